import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VARIABLES } from '../../../src/config.js';
import { projectRoot } from '../../../src/paths.js';

describe('the guide to connecting to Kafka', () => {
  it('names only variables the bridge declares (so each is in the configuration table)', () => {
    const text = readFileSync(join(projectRoot, 'docs', 'guides', 'connecting-to-kafka.md'), 'utf8');
    const named = new Set(
      [...text.matchAll(/`([A-Z][A-Z0-9_]+)[`=]|^([A-Z][A-Z0-9_]+)=/gm)]
        .map((match) => match[1] ?? match[2] ?? '')
        // Listener protocols are Kafka's words, not variables.
        .filter((name) => name.includes('_') && !['SASL_SSL', 'SASL_PLAINTEXT'].includes(name)),
    );
    expect(named.size).toBeGreaterThan(20);
    expect([...named].filter((name) => !(name in VARIABLES))).toEqual([]);
  });
});
