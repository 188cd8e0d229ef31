import { spawn } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type DockerCli, imageId } from './docker.js';

/** Debian's release with Node.js 20 (nodejs 20.19) and a current JRE; minbase: apt and little else. */
export const BASE_SUITE = 'trixie';
const VARIANT = 'minbase';
const MIRROR = 'http://deb.debian.org/debian';

/** What makes the base: a new recipe here means a new base, and so new images on it. */
export const BASE_RECIPE = `debootstrap --variant=${VARIANT} ${BASE_SUITE} ${MIRROR}; docker import; apt sources`;

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
  log: (line: string) => void;
}): Promise<string> {
  const { docker, image, labels, workDir, log } = options;
  const rootfs = join(workDir, `rootfs-${BASE_SUITE}`);
  await rm(rootfs, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
  log(`debootstrap --variant=${VARIANT} ${BASE_SUITE} (about a minute or two)`);
  await run('debootstrap', [`--variant=${VARIANT}`, BASE_SUITE, rootfs, MIRROR], log);
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
