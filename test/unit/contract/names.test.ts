import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLOUDEVENTS, DEAD_LETTER_HEADER, HEADER } from '../../../src/contract/headers.js';
import { DEAD_LETTER_REASONS, REASON } from '../../../src/contract/reasons.js';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

describe('dead-letter reasons', () => {
  it('are all rows of the table in docs/http-contract.md and named in docs/kafka-contract.md', () => {
    const http = read('docs/http-contract.md');
    const kafka = read('docs/kafka-contract.md');
    for (const reason of Object.keys(DEAD_LETTER_REASONS)) {
      expect(http, reason).toContain(`| \`${reason}\``);
      expect(kafka, reason).toContain(`\`${reason}\``);
    }
  });

  it('of the bridge are every reason but the consumer SDK’s own', () => {
    expect(Object.keys(DEAD_LETTER_REASONS).sort()).toEqual(
      Object.values(REASON)
        .filter((reason) => reason !== REASON.handlerFailed)
        .sort(),
    );
  });
});

describe('header names', () => {
  it('are all described in docs/kafka-contract.md', () => {
    const docs = read('docs/kafka-contract.md');
    for (const name of [...Object.values(HEADER), ...Object.values(CLOUDEVENTS), ...Object.values(DEAD_LETTER_HEADER)]) {
      expect(docs, name).toContain(`\`${name}\``);
    }
  });
});
