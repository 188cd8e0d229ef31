import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { baseRecipe, hostDebianMirror } from '../../../src/images/base.js';
import { buildImages } from '../../../src/images/build.js';
import type { DockerCli } from '../../../src/images/docker.js';
import { inputsHash } from '../../../src/images/inputs.js';
import { INPUTS_LABEL, LOCAL_IMAGES } from '../../../src/images/names.js';

/** What the in-memory engine builds does not matter: only that a change to it is a change of inputs. */
const DOCKERFILE = 'FROM base\n';
const MIRROR = 'http://mirror.test/debian';

/** An in-memory engine that knows images by name and label, and records the builds asked of it. */
function memoryDocker(existing: Record<string, string> = {}) {
  const labels = new Map(Object.entries(existing));
  const builds: string[] = [];
  const docker: DockerCli = {
    async run(args) {
      if (args[0] === 'image' && args[1] === 'inspect') {
        const name = args.at(-1) ?? '';
        if (!labels.has(name)) throw new Error(`No such image: ${name}`);
        return args.includes('{{ .Id }}') ? `sha256:${name}-${labels.get(name)}\n` : `${labels.get(name)}\n`;
      }
      if (args[0] === 'build') {
        const tag = args[args.indexOf('-t') + 1] ?? '';
        const label = args[args.indexOf('--label') + 1] ?? '';
        labels.set(tag, label.slice(`${INPUTS_LABEL}=`.length));
        builds.push(tag);
        return '';
      }
      throw new Error(`unexpected docker ${args.join(' ')}`);
    },
  };
  return { docker, builds };
}

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** The files the bridge's Dockerfile copies, and the Node image's Dockerfile. */
async function project(): Promise<string> {
  const root = await tempDir('popp-images-');
  await writeFile(join(root, 'Dockerfile'), DOCKERFILE);
  for (const file of ['.dockerignore', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) {
    await writeFile(join(root, file), '{}');
  }
  for (const dir of ['src', 'generated', 'schemas', 'bin']) {
    await mkdir(join(root, dir));
    await writeFile(join(root, dir, 'a.ts'), 'x');
  }
  await mkdir(join(root, 'docker', 'node'), { recursive: true });
  await writeFile(join(root, 'docker', 'node', 'Dockerfile'), DOCKERFILE);
  return root;
}

describe('the inputs hash of an image', () => {
  it('changes with a file or an extra word, and not with the order paths are named in', async () => {
    const root = await project();
    const first = await inputsHash(root, ['src', 'Dockerfile'], ['base-1']);
    expect(await inputsHash(root, ['Dockerfile', 'src'], ['base-1'])).toBe(first);
    expect(await inputsHash(root, ['src', 'Dockerfile'], ['base-2'])).not.toBe(first);
    await writeFile(join(root, 'src', 'a.ts'), 'y');
    expect(await inputsHash(root, ['src', 'Dockerfile'], ['base-1'])).not.toBe(first);
  });
});

describe('building the images in order', () => {
  it('builds what is missing, reuses what matches its label, and rebuilds only what a changed source feeds', async () => {
    const root = await project();
    const home = await tempDir('popp-images-home-');
    // The base is there from an earlier run (debootstrap is never run here).
    const { docker, builds } = memoryDocker({ [LOCAL_IMAGES.base]: await inputsHash(root, [], [baseRecipe(MIRROR)]) });
    const build = () => buildImages({ docker, root, home, log: () => {}, only: ['bridge'], mirror: MIRROR });

    expect((await build()).map((image) => [image.name, image.reused])).toEqual([
      ['base', true],
      ['node', false],
      ['bridge', false],
    ]);
    expect(builds).toEqual([LOCAL_IMAGES.node, LOCAL_IMAGES.bridge]);

    expect((await build()).every((image) => image.reused)).toBe(true);
    expect(builds).toHaveLength(2);

    await writeFile(join(root, 'src', 'a.ts'), 'changed');
    await build();
    expect(builds).toEqual([LOCAL_IMAGES.node, LOCAL_IMAGES.bridge, LOCAL_IMAGES.bridge]);
  });
});

describe("the base image's Debian archive", () => {
  it("is the host's own first archive, from a one-line or a deb822 source, never the security archive", async () => {
    const oneLine = await tempDir('popp-apt-');
    await writeFile(join(oneLine, 'sources.list'), '# a comment\ndeb [arch=amd64] http://apt.proxy.test/debian/ bookworm main\n');
    expect(hostDebianMirror(oneLine)).toBe('http://apt.proxy.test/debian');

    const deb822 = await tempDir('popp-apt-');
    await mkdir(join(deb822, 'sources.list.d'));
    await writeFile(
      join(deb822, 'sources.list.d', 'debian.sources'),
      'Types: deb\nURIs: http://security.test/debian-security\nSuites: bookworm-security\n\nTypes: deb\nURIs: http://archive.test/debian\n',
    );
    expect(hostDebianMirror(deb822)).toBe('http://archive.test/debian');
    expect(() => hostDebianMirror(join(deb822, 'missing'))).toThrow(/no Debian archive in the apt sources/);
  });
});
