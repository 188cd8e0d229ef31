import { describe, expect, it } from 'vitest';
import { tryLine } from '../../../src/commands/serve.js';

describe('the start-up "Try:" line', () => {
  it('names --secret when a secret is configured, without printing its value', () => {
    const line = tryLine({ port: 3000, secrets: ['s3cr3t-value-never-printed'] }, 'http://127.0.0.1:3000/webhooks/popp', false);
    expect(line).toBe('npx popp-bridge trigger DOCUMENT_UPLOADED --secret "$POPP_WEBHOOK_SECRET"');
    expect(line).not.toContain('s3cr3t');
  });

  it('leaves --secret out in development mode, where the trigger uses the development secret, and adds --url off the default port', () => {
    expect(tryLine({ port: 4000, secrets: [] }, 'http://127.0.0.1:4000/webhooks/popp', true)).toBe(
      'npx popp-bridge trigger DOCUMENT_UPLOADED --url http://127.0.0.1:4000/webhooks/popp',
    );
  });
});
