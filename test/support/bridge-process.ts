import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/paths.js';
import { SECRET } from './events.js';

export interface BridgeProcess {
  child: ChildProcess;
  /** http://127.0.0.1:<port>, once it listens. */
  url: string;
  /** Everything it printed, its JSON logs included. */
  lines: string[];
  /** Its exit code (null when a signal ended it) and when it exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/**
 * `popp-bridge serve` as a process of its own (node --import tsx, no wrapper
 * process, so signals reach it directly) on a free port; resolves once it
 * printed where it listens (by default once Kafka answered too; `early`:
 * as soon as the webhook listener is up, before Kafka answers), or rejects
 * with what it printed. Without a DEDUPE_DIR it gets a new one of its own
 * (removed when it exits): a test that restarts a bridge passes the same
 * DEDUPE_DIR to both processes.
 */
export async function spawnBridge(
  env: Record<string, string>,
  timeoutMs = 60_000,
  options: { early?: boolean } = {},
): Promise<BridgeProcess> {
  const ownDedupeDir = env.DEDUPE_DIR === undefined ? mkdtempSync(join(tmpdir(), 'popp-test-dedupe-')) : undefined;
  const announced = options.early ? /(?:listening on|listener up on) (http:\/\/[^/\s,]+)/ : /listening on (http:\/\/[^/\s]+)/;
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/run-cli.ts', 'serve'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      ADMIN_PORT: '0',
      POPP_WEBHOOK_SECRET: SECRET,
      TOPIC_PARTITIONS: '2',
      LOG_LEVEL: 'info',
      ...(ownDedupeDir && { DEDUPE_DIR: ownDedupeDir }),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => {
      if (ownDedupeDir) rmSync(ownDedupeDir, { recursive: true, force: true });
      resolve({ code, signal, at: Date.now() });
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bridge did not listen in ${timeoutMs} ms:\n${lines.join('\n')}`)), timeoutMs);
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        lines.push(line);
        const listening = announced.exec(line);
        if (listening?.[1]) {
          clearTimeout(timer);
          resolve(listening[1]);
        }
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`bridge exited before listening:\n${lines.join('\n')}`));
    });
  });
  return { child, url, lines, exited };
}

/** Ends a bridge a test started, if it still runs (after a failed assertion, say). */
export async function killBridge(bridge: BridgeProcess | undefined): Promise<void> {
  if (!bridge || bridge.child.exitCode !== null || bridge.child.signalCode !== null) return;
  bridge.child.kill('SIGKILL');
  await bridge.exited;
}
