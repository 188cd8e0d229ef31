import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

/**
 * A hash of what an image is built from: the files (names, modes and
 * contents, folders walked in order) and any other words that matter (the
 * base image's id, a package list). Equal hashes mean the image can be reused.
 */
export async function inputsHash(root: string, paths: string[], words: string[] = []): Promise<string> {
  const hash = createHash('sha256');
  for (const word of words) hash.update(`word ${word}\n`);
  for (const path of [...paths].sort()) await add(join(root, path));
  return hash.digest('hex').slice(0, 32);

  async function add(file: string): Promise<void> {
    const info = await stat(file);
    const name = relative(root, file);
    if (info.isDirectory()) {
      const entries = (await readdir(file)).sort();
      for (const entry of entries) await add(join(file, entry));
      return;
    }
    hash.update(`file ${name} ${info.mode & 0o111 ? 'x' : '-'} ${info.size}\n`);
    hash.update(await readFile(file));
  }
}
