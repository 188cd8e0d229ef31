import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { readSpoolStatus } from '../spool/status.js';

const USAGE = 'usage: popp-bridge spool status [--dir DIR] [--json]';

/** `popp-bridge spool status`: what a spool directory holds, read from disk (works while a bridge runs, or after one died). */
export async function spoolCommand(args: string[], print: (line: string) => void, now: () => number = Date.now): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { dir: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (positionals[0] !== 'status' || positionals.length > 1) {
    print(USAGE);
    return 2;
  }
  const config = loadConfig();
  const status = await readSpoolStatus(values.dir ?? config.spool.dir);
  if (values.json) {
    print(JSON.stringify({ ...status, maxBytes: config.spool.maxBytes }));
    return 0;
  }
  print(`spool ${status.dir}`);
  if (!status.exists) {
    print('  nothing spooled (the directory does not exist)');
    return 0;
  }
  const running = status.holder?.alive;
  print(
    running
      ? `  bridge:   pid ${status.holder?.pid} holds it (drains it whenever Kafka answers)`
      : '  bridge:   none running on it (the next bridge started with this SPOOL_DIR drains it)',
  );
  print(`  pending:  ${status.events} events (${status.records} Kafka records) not yet acknowledged by Kafka`);
  if (status.oldestSpooledAt !== undefined) {
    print(`  oldest:   ${new Date(status.oldestSpooledAt).toISOString()} (${age(now() - status.oldestSpooledAt)} ago)`);
  }
  const share = ((status.bytes / config.spool.maxBytes) * 100).toFixed(1);
  print(
    `  disk:     ${status.segments} segments, ${megabytes(status.bytes)} of SPOOL_MAX_BYTES ${megabytes(config.spool.maxBytes)} (${share} %)`,
  );
  if (status.tailBytes > 0) {
    print(
      running
        ? `  writing:  ${status.tailBytes} bytes being appended`
        : `  torn:     ${status.tailBytes} bytes after the last whole record (never acknowledged; cut at the next start)`,
    );
  }
  return 0;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

function age(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3_600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3_600)} h ${Math.floor((seconds % 3_600) / 60)} min`;
}
