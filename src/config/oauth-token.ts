import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/** Where OAUTHBEARER tokens come from: a file a sidecar keeps fresh, or a command that prints one. */
export type TokenSource = { file: string } | { command: string };

const COMMAND_TIMEOUT_MS = 30_000;

/**
 * kafkajs asks for a token each time a connection authenticates (and again
 * before the broker's session lifetime ends): the file is read again, or the
 * command run again, every time, so a refreshed token is used as soon as it
 * is there. Asks made at the same moment (several brokers connecting) share
 * one read or run. Errors name the variable, never the token; a command's
 * own complaint (its last stderr line) is kept, since it says what is wrong.
 */
export function oauthBearerProvider(source: TokenSource): () => Promise<{ value: string }> {
  let pending: Promise<{ value: string }> | undefined;
  const fetchToken = async () => {
    const raw = 'file' in source ? await fromFile(source.file) : await fromCommand(source.command);
    const value = raw.trim();
    if (!value) throw new Error(`${variableOf(source)}: gave an empty token`);
    return { value };
  };
  return () => {
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}

function variableOf(source: TokenSource): string {
  return 'file' in source ? 'KAFKA_SASL_OAUTHBEARER_TOKEN_FILE' : 'KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND';
}

async function fromFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`KAFKA_SASL_OAUTHBEARER_TOKEN_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function fromCommand(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('/bin/sh', ['-c', command], { timeout: COMMAND_TIMEOUT_MS, maxBuffer: 1_048_576 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const said = stderr.trim().split('\n').at(-1)?.slice(0, 200);
      const why = error.killed ? `did not finish within ${COMMAND_TIMEOUT_MS / 1000} s` : `exited with ${error.code ?? 'an error'}`;
      reject(new Error(`KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND: ${why}${said ? ` (${said})` : ''}`));
    });
  });
}
