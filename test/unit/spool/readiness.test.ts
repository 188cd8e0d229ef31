import { describe, expect, it } from 'vitest';
import { spoolReadiness } from '../../../src/spool/readiness.js';

const journal = (bytes: number, entries: number) => ({
  status: () => ({ bytes, maxBytes: 1_000, segments: 1, entries, records: entries * 2 }),
  isEmpty: () => entries === 0,
});
const kafka = (ready: boolean) => ({ check: async () => ({ ready, detail: ready ? 'ok' : 'Kafka did not answer in time' }) });

describe('readiness with a spool', () => {
  it('is ready and says "spooling" while Kafka is away and the spool has room', async () => {
    const result = await spoolReadiness(kafka(false), journal(100, 3), () => true, 100).check();
    expect(result.ready).toBe(true);
    expect(result.detail).toMatch(/^spooling: Kafka did not answer in time; 3 events spooled, spool 10.0 % full$/);
  });

  it('is not ready once the spool is full and Kafka is away', async () => {
    expect((await spoolReadiness(kafka(false), journal(950, 3), () => true, 100).check()).ready).toBe(false);
  });

  it('says "spooling" while it drains, and plain "ok" once the spool is empty', async () => {
    expect((await spoolReadiness(kafka(true), journal(100, 3), () => true, 100).check()).detail).toMatch(/^spooling: draining 3 events/);
    expect(await spoolReadiness(kafka(true), journal(0, 0), () => true, 100).check()).toEqual({ ready: true, detail: 'ok' });
  });

  it('spools before Kafka was ever connected, without asking it', async () => {
    const never = { check: async () => expect.fail('Kafka was asked before it connected') };
    const result = await spoolReadiness(never, journal(0, 0), () => false, 100).check();
    expect(result).toMatchObject({ ready: true, detail: expect.stringContaining('Kafka not connected yet') });
  });
});
