import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { projectRoot } from '../../src/paths.js';
import { documentUploaded } from './events.js';

export interface ExampleProcess {
  child: ChildProcess;
  /** Every line it printed so far (its JSON logs included). */
  lines: string[];
  exited: Promise<number | null>;
  /** The stats of its "consumer stopped" log line, once it logged one. */
  stoppedStats(): Record<string, number> | undefined;
}

/** Runs an example's main.ts as its own Node process (no tsx wrapper process, so signals reach it directly). */
export function spawnExample(name: string, args: string[], env: Record<string, string>): ExampleProcess {
  return spawnScript(`examples/${name}/main.ts`, args, env);
}

/** Runs a service of `test/support/` as its own Node process, as `spawnExample` does. */
export function spawnFixture(name: string, env: Record<string, string>): ExampleProcess {
  return spawnScript(`test/support/${name}.ts`, [], env);
}

function spawnScript(script: string, args: string[], env: Record<string, string>): ExampleProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: projectRoot,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    stoppedStats() {
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as { msg?: string } & Record<string, number>;
        if (entry.msg === 'consumer stopped') return entry;
      }
      return undefined;
    },
  };
}

/** A number read from a SQLite file that another process writes (0 while the file or table does not exist yet). */
export function countRows(path: string, sql: string): number {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    return (db.prepare(sql).pluck().get() as number | undefined) ?? 0;
  } catch {
    return 0;
  } finally {
    db?.close();
  }
}

/** A DOCUMENT_UPLOADED event for one attachment of one conversation. */
export function upload(recordId: string, attachmentId = `att_${randomUUID().slice(0, 8)}`, extra: Record<string, unknown> = {}) {
  const event = documentUploaded({ recordId });
  return { ...event, data: { ...event.data, attachmentId, fileName: `${attachmentId}.pdf`, ...extra } };
}

/** The start of the hour before the current one: a story's minutes are all in the past, and inside the bridge's replay window. */
const STORY_START = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;

/** `<STORY_START + n minutes>`: events of one record stamped in the order of the story a test tells. */
export const minute = (n: number) => new Date(STORY_START + n * 60_000).toISOString();

/** An event of any type for one record, stamped at `minute(at)`, with the given data besides the standard fields. */
export function eventOf(type: string, recordId: string, at: number, data: Record<string, unknown> = {}) {
  return {
    event: type,
    eventId: randomUUID(),
    eventTimestamp: minute(at),
    data: { recordId, organizationId: 'org_xyz789', ...data },
  };
}

/** A scheduling event of one booking whose meeting starts at `start` and lasts 30 minutes. */
export function bookingEvent(type: string, bookingId: string, at: number, start: string, extra: Record<string, unknown> = {}) {
  const end = new Date(Date.parse(start) + 30 * 60_000).toISOString();
  return eventOf(type, bookingId, at, {
    conversationId: `conv_of_${bookingId}`,
    externalConversationId: `conversation-${bookingId}`,
    externalCampaignId: 'campaign-456',
    meetingDetails: {
      title: 'Interview with John Doe',
      startDateTime: start,
      endDateTime: end,
      timezone: 'America/New_York',
      videoConference: true,
      meetingUrl: `https://meet.example.com/${bookingId}`,
      participants: [
        { email: 'john.doe@example.com', name: 'John Doe' },
        { email: 'jane.smith@example.com', name: 'Jane Smith' },
      ],
    },
    ...extra,
  });
}
