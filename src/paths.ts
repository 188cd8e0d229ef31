import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root, found from this file so it holds for src/ (tsx, vitest) and dist/src/ alike. */
export const projectRoot = findRoot(dirname(fileURLToPath(import.meta.url)));

export const schemasDir = join(projectRoot, 'schemas');

/** Jars, data and logs of the local development broker: git-ignored. */
export const devstackHome = join(projectRoot, '.devstack');

function findRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}
