import { describe, expect, it } from 'vitest';
import { type ConsumerOptions, sourceTopics } from '../../../src/consumer/options.js';
import type { Handlers } from '../../../src/consumer/types.js';
import { createCatalogue } from '../../../src/contract/catalogue.js';
import { schemasDir } from '../../../src/paths.js';

const catalogue = createCatalogue({ schemasDir, topicPrefix: 'p.' });
const options = (handlers: Handlers, extra: Partial<ConsumerOptions> = {}) =>
  ({ groupId: 'svc', handlers, kafka: { brokers: [] }, topics: { prefix: 'p.' }, ...extra }) as ConsumerOptions;

describe('the topics a consumer reads', () => {
  it("reads every type topic of a handled category, and a handled type's own topic", () => {
    const topics = sourceTopics(options({ analysis: () => {}, DOCUMENT_UPLOADED: () => {} }), catalogue);
    expect(topics.sort()).toEqual(['p.analysis.created', 'p.candidate.analysis.completed', 'p.document.uploaded']);
  });

  it('reads each topic once when a type and its category are both handled', () => {
    const topics = sourceTopics(options({ workflow: () => {}, WORKFLOW_PUBLISHED: () => {} }), catalogue);
    expect(topics).toHaveLength(9);
    expect(new Set(topics).size).toBe(9);
  });

  it('reads only the log topic with source "log", whatever the handlers', () => {
    expect(sourceTopics(options({ scheduling: () => {} }, { source: 'log' }), catalogue)).toEqual(['p.events']);
  });

  it('refuses a handler key that is neither a known type nor a category', () => {
    const handlers = { calendar: () => {} } as unknown as Handlers;
    expect(() => sourceTopics(options(handlers), catalogue)).toThrow(/no event type or category named calendar/);
  });
});
