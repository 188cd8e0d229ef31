import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { type ConsoleWiring, createConsoleDeps } from '../../../src/console/wiring.js';
import { createCatalogue } from '../../../src/contract/catalogue.js';
import { createMetrics } from '../../../src/metrics.js';

function wiring(env: Record<string, string>): ConsoleWiring {
  const config = loadConfig({ POPP_WEBHOOK_SECRET: 's', ...env });
  // The Kafka parts are only used when a page asks for data: none is asked for here.
  const unused = {} as never;
  return {
    config,
    brokers: ['127.0.0.1:9092'],
    kafka: unused,
    admin: unused,
    metrics: createMetrics(),
    readiness: unused,
    dedupeHealth: async () => ({ ok: true, detail: 'memory' }),
    catalogue: createCatalogue({ topicPrefix: config.topics.prefix }),
    schemasDir: 'schemas',
    audit: { info: () => {} },
  };
}

describe('the console wiring', () => {
  it('is off without a CONSOLE_TOKEN', () => {
    expect(createConsoleDeps(wiring({}))).toBeUndefined();
  });

  it("files every documented type under its schema's own category", () => {
    const parts = createConsoleDeps(wiring({ CONSOLE_TOKEN: 'a-console-token-of-length' }));
    const deps = parts?.deps;
    expect(deps?.categories).toEqual(['analysis', 'conversation', 'document', 'scheduling', 'workflow']);
    expect(deps?.categoryOf('START_CONVERSATION_FAILED')).toBe('conversation');
    expect(deps?.categoryOf('CANDIDATE_ANALYSIS_COMPLETED')).toBe('analysis');
    expect(deps?.categoryOf('CALENDAR_NOTE_TAKER_COMPLETED')).toBe('scheduling');
    expect(deps?.categoryOf('WORKFLOW_CONTACT_RESOLVED')).toBe('workflow');
    expect(deps?.categoryOf('DOCUMENT_UPLOADED')).toBe('document');
    expect(deps?.categoryOf('NOT_A_POPP_TYPE')).toBeUndefined();
  });
});
