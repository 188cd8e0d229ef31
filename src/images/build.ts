import { existsSync } from 'node:fs';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderLog4j } from '../devstack/config.js';
import { ensureJars } from '../devstack/jars.js';
import { withLock } from '../devstack/lock.js';
import { baseRecipe, buildBase, hostDebianMirror } from './base.js';
import { builtInputs, type DockerCli, imageId } from './docker.js';
import { inputsHash } from './inputs.js';
import { INPUTS_LABEL, LOCAL_IMAGES, type LocalImage } from './names.js';

export interface BuildOptions {
  docker: DockerCli;
  /** The project root: the Dockerfile, docker/ and the sources the bridge image copies. */
  root: string;
  /** The git-ignored devstack folder: the Kafka jars, and the build contexts made here. */
  home: string;
  log: (line: string) => void;
  /** Which images, in build order; each brings the ones it is built on. */
  only?: LocalImage[];
  /** The Debian archive debootstrap reads; default the host's own (hostDebianMirror). */
  mirror?: string;
}

export interface BuiltImage {
  name: LocalImage;
  image: string;
  reused: boolean;
  seconds: number;
}

/** What the project's Dockerfile copies from the build context (and the file itself). */
const BRIDGE_INPUTS = [
  'Dockerfile',
  '.dockerignore',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'src',
  'generated',
  'schemas',
  'bin',
];

const NEEDS: Record<LocalImage, LocalImage[]> = { base: [], node: ['base'], kafka: ['base'], bridge: ['node'] };
const ORDER: LocalImage[] = ['base', 'node', 'kafka', 'bridge'];

/**
 * Builds the local images in order, each reused while the hash of its inputs
 * (its files and the id of the image it is built on) matches its label.
 * Builds need only Debian's repository and the npm registry (apt and npm run
 * inside them), never a container registry.
 */
export async function buildImages(options: BuildOptions): Promise<BuiltImage[]> {
  // Test files and the command may build at once: one builds, the others then find its images.
  await mkdir(join(options.home, 'images'), { recursive: true });
  const onWait = () => options.log('waiting for another process that is building the images…');
  return withLock(join(options.home, 'images', 'build.lock'), { timeoutMs: 30 * 60_000, onWait }, () => buildInOrder(options));
}

async function buildInOrder(options: BuildOptions): Promise<BuiltImage[]> {
  const { docker, root, home, log } = options;
  const wanted = new Set<LocalImage>();
  const want = (name: LocalImage) => {
    for (const need of NEEDS[name]) want(need);
    wanted.add(name);
  };
  for (const name of options.only ?? ORDER) want(name);
  const ids: Partial<Record<LocalImage, string>> = {};
  const built: BuiltImage[] = [];
  const contexts = join(home, 'images');

  for (const name of ORDER.filter((item) => wanted.has(item))) {
    const image = LOCAL_IMAGES[name];
    const started = Date.now();
    const base = NEEDS[name][0];
    const baseId = base ? (ids[base] ?? '') : '';
    const buildArgs = base ? ['--build-arg', `BASE_IMAGE=${LOCAL_IMAGES[base]}`] : [];
    let hash: string;
    let build: () => Promise<void>;
    if (name === 'base') {
      const mirror = options.mirror ?? hostDebianMirror();
      hash = await inputsHash(root, [], [baseRecipe(mirror)]);
      build = async () => {
        await buildBase({ docker, image, labels: { [INPUTS_LABEL]: hash }, workDir: contexts, mirror, log });
      };
    } else if (name === 'bridge') {
      hash = await inputsHash(root, BRIDGE_INPUTS, [baseId]);
      build = () => dockerBuild(docker, image, hash, buildArgs, join(root, 'Dockerfile'), root, log);
    } else {
      const context = join(contexts, name);
      await rm(context, { recursive: true, force: true });
      await cp(join(root, 'docker', name), context, { recursive: true });
      if (name === 'node') await copyHostAuthorities(join(context, 'ca-certificates'));
      if (name === 'kafka') {
        const libs = await ensureJars({ home, log });
        await cp(libs, join(context, 'libs'), { recursive: true });
        await writeFile(join(context, 'log4j2.properties'), renderLog4j());
      }
      hash = await inputsHash(context, ['.'], [baseId]);
      build = () => dockerBuild(docker, image, hash, buildArgs, join(context, 'Dockerfile'), context, log);
    }
    const reused = (await builtInputs(docker, image)) === hash;
    if (reused) {
      log(`${image}: up to date, reused`);
    } else {
      log(`${image}: building`);
      await build();
    }
    ids[name] = await imageId(docker, image);
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    if (!reused) log(`${image}: built in ${seconds} s`);
    built.push({ name, image, reused, seconds });
  }
  return built;
}

/** Where Debian (and Ubuntu) keep the authorities a host adds to its trust store. */
const HOST_AUTHORITIES = '/usr/local/share/ca-certificates';

async function copyHostAuthorities(target: string): Promise<void> {
  await mkdir(target, { recursive: true });
  if (existsSync(HOST_AUTHORITIES)) await cp(HOST_AUTHORITIES, target, { recursive: true });
}

async function dockerBuild(
  docker: DockerCli,
  image: string,
  hash: string,
  buildArgs: string[],
  dockerfile: string,
  context: string,
  log: (line: string) => void,
): Promise<void> {
  const args = ['build', '--force-rm', '--label', `${INPUTS_LABEL}=${hash}`, ...buildArgs, '-f', dockerfile, '-t', image, context];
  await docker.run(args, { onLine: (line) => (/^Step \d+\/\d+ :/.test(line) ? log(`  ${line}`) : undefined) });
}
