import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withLock } from './lock.js';
import { checkTools, type Tools } from './tools.js';

/** What every fetched artifact needs to know. */
export interface FetchOptions {
  home: string;
  log?: (line: string) => void;
  java?: string;
  mvn?: string;
}

/** One version of an artifact lives in `<home>/<name>-<version>/`; a version of another shape is refused before anything runs. */
export function fetchPlan(options: FetchOptions, name: string, version: string, shape: RegExp, what: string) {
  if (!shape.test(version)) throw new Error(`not a version of ${what}: ${version}`);
  const mvn = options.mvn ?? 'mvn';
  return {
    log: options.log ?? (() => {}),
    mvn,
    dir: join(options.home, `${name}-${version}`),
    tools: { java: options.java ?? 'java', mvn },
  };
}

const UNITS: Record<string, number> = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9 };

/**
 * Makes `target` once, fetched with Maven by `fill` into a side folder that is
 * renamed to `target` at the end, then marked complete: a broken download
 * never looks like a finished one. Another process fetching the same thing is
 * waited for rather than raced. Fast when already done.
 */
export async function downloadOnce(
  options: { dir: string; target: string; what: string; tools: Tools; log: (line: string) => void },
  fill: (partial: string) => Promise<Record<string, unknown>>,
): Promise<void> {
  const marker = join(options.dir, '.complete');
  if (existsSync(marker)) return;
  // Before minutes are spent downloading.
  await checkTools(options.tools);
  await mkdir(options.dir, { recursive: true });
  const onWait = () => options.log(`waiting for another process that is downloading ${options.what}…`);
  await withLock(join(options.dir, 'download.lock'), { timeoutMs: 20 * 60_000, onWait }, async () => {
    if (existsSync(marker)) return;
    const partial = `${options.target}.partial`;
    await rm(partial, { recursive: true, force: true });
    const details = await fill(partial);
    await rm(options.target, { recursive: true, force: true });
    await rename(partial, options.target);
    await writeFile(marker, `${JSON.stringify({ ...details, at: new Date().toISOString() })}\n`);
  });
}

/**
 * Maven in batch mode prints `[INFO] Downloaded from central: <url> (size …)`
 * per file, a few hundred of them: one summary line at most every 1.5 s keeps
 * a multi-minute first run visibly moving without flooding the terminal, and
 * a heartbeat covers a long single file (batch mode shows no byte progress).
 * The tail of the output explains a failure.
 */
export function runMaven(mvn: string, args: string[], log: (line: string) => void, what: string, cwd?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(mvn, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd });
    const tail: string[] = [];
    let files = 0;
    let bytes = 0;
    let lastLog = Date.now();
    let rest = '';
    const onData = (chunk: Buffer) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        const match = /Downloaded from [\w.-]+: \S*\/([^/\s]+) \((\S+) (B|kB|MB|GB)/.exec(line);
        if (!match) continue;
        files++;
        bytes += Number(match[2]) * (UNITS[match[3] ?? 'B'] ?? 1);
        if (Date.now() - lastLog < 1_500) continue;
        lastLog = Date.now();
        log(`  fetched ${files} files, ${(bytes / 1e6).toFixed(1)} MB (${match[1]})`);
      }
    };
    const heartbeat = setInterval(() => {
      if (Date.now() - lastLog < 10_000) return;
      lastLog = Date.now();
      log(`  still downloading… (${files} files, ${(bytes / 1e6).toFixed(1)} MB so far)`);
    }, 2_000);
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => {
      clearInterval(heartbeat);
      reject(error);
    });
    child.on('close', (code) => {
      clearInterval(heartbeat);
      if (code === 0) return resolve();
      // Maven's own advice (-e, -X, wiki links) after the real error is noise here.
      const errors = tail.filter((line) => /\[ERROR\] \S/.test(line) && !/\[ERROR\] (To see|Re-run|For more|\[Help)/.test(line));
      reject(new Error(`Maven could not fetch ${what} (exit ${code}):\n${(errors.length ? errors : tail.slice(-15)).join('\n')}`));
    });
  });
}
