import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { PoppEnvelope } from '../../generated/events.js';
import { spoolCommand } from '../../src/commands/spool.js';
import { projectRoot } from '../../src/paths.js';
import { encodeEntry } from '../../src/spool/entry.js';
import { listSegmentIds, segmentPath } from '../../src/spool/files.js';
import { createJournal } from '../../src/spool/journal.js';
import { recoverJournal } from '../../src/spool/recovery.js';
import { eventRecords } from '../../src/webhook/records.js';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { conversation, SECRET, signed } from '../support/events.js';
import { uniquePrefix } from '../support/kafka.js';
import { readBack } from '../support/readback.js';

/** Writes `events` to a journal in `dir` as a bridge would have spooled them: their records, built the same way. */
async function spoolEvents(dir: string, prefix: string, events: PoppEnvelope[]): Promise<void> {
  const journal = createJournal({ dir, maxBytes: 10_000_000, segmentBytes: 1_000_000, recovery: await recoverJournal(dir) });
  for (const event of events) {
    const body = signed(event).payload;
    const delivery = {
      body,
      receivedAt: new Date().toISOString(),
      contentType: 'application/json',
      signature: 'sig',
      traceparent: undefined,
    };
    const topic = `${prefix}${event.event.toLowerCase().replaceAll('_', '.')}`;
    const records = eventRecords(event, delivery, { type: topic, log: `${prefix}events` });
    await journal.append(encodeEntry(records, Date.now()), records.length);
  }
  await journal.close();
}

describe('a bridge started on a spool left by a crash', () => {
  const bridges: TestBridge[] = [];
  afterAll(async () => {
    await Promise.all(bridges.map((bridge) => bridge.close()));
  });

  it('drains every complete record of a journal cut in the middle of a record, drops only the torn one, and counts them as accepted', async () => {
    const brokers = inject('kafkaBrokers');
    const prefix = uniquePrefix('spool-recovery');
    const dir = await mkdtemp(join(tmpdir(), 'popp-spool-recovery-'));
    const events = Array.from({ length: 30 }, (_, n) => conversation('CONVERSATION_STARTED', `conv_rec_${n % 4}`) as PoppEnvelope);
    await spoolEvents(dir, prefix, events);
    const file = segmentPath(dir, (await listSegmentIds(dir))[0] ?? 0);
    await truncate(file, (await stat(file)).size - 50);

    const lines: string[] = [];
    expect(await spoolCommand(['status', '--dir', dir, '--json'], (line) => lines.push(line))).toBe(0);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ exists: true, events: 29, records: 58, segments: 1 });
    expect(JSON.parse(lines[0] ?? '{}').tailBytes).toBeGreaterThan(0);

    const bridge = await startTestBridge(brokers, prefix, { OUTAGE_POLICY: 'spool', SPOOL_DIR: dir });
    bridges.push(bridge);
    const kept = events.slice(0, -1).map((event) => event.eventId);
    const torn = events.at(-1)?.eventId ?? '';
    const back = await readBack(brokers, `${prefix}events`, kept, { timeoutMs: 30_000, settleMs: 1_000 });
    expect(back.missing).toEqual([]);
    expect(back.seen.has(torn)).toBe(false);

    // A redelivery of a spooled event is a duplicate; the torn one was never acknowledged, so it is published.
    expect(await (await bridge.post(events[0])).json()).toMatchObject({ status: 'duplicate' });
    expect(await (await bridge.post(events.at(-1))).json()).toMatchObject({ status: 'published' });

    lines.length = 0;
    await spoolCommand(['status', '--dir', dir], (line) => lines.push(line));
    expect(lines.join('\n')).toMatch(/pid \d+ holds it/);
    expect(lines.join('\n')).toContain('pending:  0 events');
  });

  it('refuses to start, in one line, on a spool directory it cannot write', async () => {
    const notADir = join(await mkdtemp(join(tmpdir(), 'popp-spool-bad-')), 'file');
    await writeFile(notADir, '');
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/support/run-cli.ts', 'serve'], {
      cwd: projectRoot,
      env: {
        ...process.env,
        KAFKA_BROKERS: inject('kafkaBrokers').join(','),
        POPP_WEBHOOK_SECRET: SECRET,
        TOPIC_PREFIX: uniquePrefix('spool-bad'),
        OUTAGE_POLICY: 'spool',
        SPOOL_DIR: join(notADir, `spool-${randomUUID().slice(0, 4)}`),
        PORT: '0',
        LOG_LEVEL: 'warn',
      },
    });
    const failure = await run.then(
      () => expect.fail('the bridge started'),
      (error: { code: number; stdout: string }) => error,
    );
    expect(failure.code).toBe(78);
    expect(failure.stdout).toMatch(/^configuration error: SPOOL_DIR: cannot write .*\(ENOTDIR\)$/m);
    expect(failure.stdout.match(/SPOOL_DIR/g)).toHaveLength(1);
  });
});
