import { describe, expect, it } from 'vitest';
import { describeError } from '../../../src/consumer/dead-letter.js';
import { deadLetterTopicFor } from '../../../src/contract/topics.js';

describe("a group's dead-letter topic", () => {
  it('is <prefix>dead-letter.<groupId>', () => {
    expect(deadLetterTopicFor('popp.', 'document-intake')).toBe('popp.dead-letter.document-intake');
  });

  it('refuses a group id that cannot be part of a topic name', () => {
    expect(() => deadLetterTopicFor('popp.', 'billing service')).toThrow(/may hold only letters, digits/);
  });

  it('describes an error by name and message, bounded', () => {
    expect(describeError(new TypeError('bad'))).toBe('TypeError: bad');
    expect(describeError('plain')).toBe('plain');
    expect(describeError(new Error('x'.repeat(1_000)))).toHaveLength(500);
  });
});
