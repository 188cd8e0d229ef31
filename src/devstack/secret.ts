import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Development only: a secret generated once and kept in the git-ignored
 * devstack folder, so `serve` and `trigger` in two terminals agree on it.
 */
export function devSecret(home: string): string {
  const file = join(home, 'dev-secret');
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing) return existing;
  } catch {
    // not created yet
  }
  const secret = `dev_${randomBytes(24).toString('base64url')}`;
  mkdirSync(home, { recursive: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
