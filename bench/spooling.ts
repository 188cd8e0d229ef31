import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalBroker } from '../src/devstack/broker.js';
import { devstackHome } from '../src/paths.js';
import type { Child } from './children.js';
import type { LoadResult } from './load.js';
import { startBridgeChild } from './setup.js';

/** Below the ephemeral port range, so no client connection holds it by chance; away from the tests' brokers. */
const FROZEN_BROKER_PORT = 31292;

/**
 * The spooling row: the bridge with OUTAGE_POLICY=spool on a broker of its
 * own (never the shared one), frozen with SIGSTOP once the bridge is up, so
 * every event goes to the journal — written, fsynced (group commit) and
 * answered 202. The warm-up covers the first requests, which wait
 * PUBLISH_TIMEOUT_MS before the spool takes them.
 */
export async function spoolingRow<R extends LoadResult>(
  measure: (name: string, url: string, server: Child) => Promise<R>,
  options: { port: number; prefix: string },
): Promise<R> {
  const broker = createLocalBroker({ home: devstackHome, port: FROZEN_BROKER_PORT, controllerPort: FROZEN_BROKER_PORT + 1 });
  const { brokers } = await broker.start();
  const pid = (await broker.status()).pid as number;
  const dir = await mkdtemp(join(tmpdir(), 'popp-bench-spool-'));
  const bridge = await startBridgeChild({
    brokers,
    port: options.port,
    prefix: options.prefix,
    env: { OUTAGE_POLICY: 'spool', SPOOL_DIR: dir, SPOOL_MAX_BYTES: String(8 * 1024 ** 3), PUBLISH_TIMEOUT_MS: '1000' },
  });
  process.kill(pid, 'SIGSTOP');
  try {
    return await measure('spooling', `http://127.0.0.1:${options.port}/webhooks/popp`, bridge);
  } finally {
    process.kill(pid, 'SIGCONT');
    await bridge.stop();
    await broker.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
