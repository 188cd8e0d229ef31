import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type DockerCli, imageId } from './docker.js';

/** Debian's release with Node.js 20 (nodejs 20.19) and a current JRE; minbase: apt and little else. */
export const BASE_SUITE = 'trixie';
const VARIANT = 'minbase';

/** What makes the base: a new recipe here (or another mirror) means a new base, and so new images on it. */
export const baseRecipe = (mirror: string) => `debootstrap --variant=${VARIANT} ${BASE_SUITE} ${mirror}; docker import; apt sources`;

/**
 * The Debian archive the host's own apt uses (its first `URIs:` or `deb`
 * line that is not the security archive): the images come from where the
 * host's packages come from, which is also what a machine behind a package
 * proxy can reach.
 */
export function hostDebianMirror(aptDir = '/etc/apt'): string {
  const texts: string[] = [];
  const read = (path: string) => {
    try {
      texts.push(readFileSync(path, 'utf8'));
    } catch {}
  };
  read(join(aptDir, 'sources.list'));
  let parts: string[] = [];
  try {
    parts = readdirSync(join(aptDir, 'sources.list.d')).sort();
  } catch {}
  for (const name of parts) read(join(aptDir, 'sources.list.d', name));
  const uris = texts.flatMap((text) =>
    text.split('\n').flatMap((line) => {
      const deb = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)/.exec(line.trim());
      const deb822 = /^URIs:\s*(.+)$/.exec(line.trim());
      return deb ? [deb[1] as string] : deb822 ? (deb822[1] as string).split(/\s+/) : [];
    }),
  );
  const mirror = uris.find((uri) => /^https?:\/\//.test(uri) && !/-security\/?$/.test(uri));
  if (!mirror) throw new Error(`no Debian archive in the apt sources of ${aptDir}: debootstrap needs one to build the base image`);
  return mirror.replace(/\/$/, '');
}

/**
 * Debian's root file system made with debootstrap (needs root and the
 * debootstrap package), turned into an image with `docker import`: the one
 * image here that comes from no Dockerfile, since nothing can be pulled FROM.
 */
export async function buildBase(options: {
  docker: DockerCli;
  image: string;
  labels: Record<string, string>;
  workDir: string;
  mirror: string;
  log: (line: string) => void;
}): Promise<string> {
  const { docker, image, labels, workDir, mirror, log } = options;
  const rootfs = join(workDir, `rootfs-${BASE_SUITE}`);
  await rm(rootfs, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
  log(`debootstrap --variant=${VARIANT} ${BASE_SUITE} (about a minute or two)`);
  await run('debootstrap', [`--variant=${VARIANT}`, BASE_SUITE, rootfs, mirror], log);
  try {
    const changes = [
      ...Object.entries(labels).map(([name, value]) => `LABEL ${name}=${value}`),
      'ENV LANG=C.UTF-8',
      'CMD ["bash"]',
    ].flatMap((change) => ['--change', change]);
    const tar = spawn('tar', ['-C', rootfs, '--numeric-owner', '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await docker.run(['import', ...changes, '-', image], { input: tar.stdout });
  } finally {
    await rm(rootfs, { recursive: true, force: true });
  }
  return imageId(docker, image);
}

function run(command: string, args: string[], log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    let lines = 0;
    const take = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        tail.push(line);
        if (tail.length > 15) tail.shift();
        // Hundreds of lines: one in fifty keeps a long run visibly moving.
        if (++lines % 50 === 0) log(`  ${line}`);
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (error) =>
      reject(new Error(`${command} could not run (${error.message}): install it (apt-get install ${command}) and run as root`)),
    );
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} failed (exit ${code}):\n${tail.join('\n')}`))));
  });
}
