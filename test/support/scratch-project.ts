import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../src/paths.js';

const exec = promisify(execFile);

/** `command` in `cwd`; resolves with its output, or rejects with the output of its failure. */
export async function sh(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  try {
    return await exec(command, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const failure = error as Error & { stdout?: string; stderr?: string; code?: number };
    throw Object.assign(new Error(`${command} ${args.join(' ')} failed (${failure.code}):\n${failure.stdout}\n${failure.stderr}`), {
      stdout: failure.stdout ?? '',
      stderr: failure.stderr ?? '',
      code: failure.code,
    });
  }
}

/**
 * The project packed as `npm pack` packs it, from a build of its own: the
 * package's files are copied to a staging folder, compiled there and packed
 * there, so the repository's dist/ (which other tests run) is never rewritten
 * while they use it. Returns the tarball's path.
 */
export async function packProject(into: string): Promise<string> {
  const staging = join(into, 'staging');
  mkdirSync(staging, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { files: string[] };
  for (const entry of [...manifest.files.filter((file) => file !== 'dist'), 'package.json', 'README.md', 'LICENSE']) {
    if (existsSync(join(projectRoot, entry))) cpSync(join(projectRoot, entry), join(staging, entry), { recursive: true });
  }
  await sh(
    process.execPath,
    [join(projectRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', join(staging, 'dist')],
    projectRoot,
  );
  const { stdout } = await sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', into], staging);
  const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
  return join(into, filename);
}

/**
 * A new TypeScript project in a folder of the system's temporary directory
 * (outside the repository), strict and NodeNext with skipLibCheck off, with
 * the tarball, TypeScript and Node's types installed as a downstream
 * repository installs them (from npm's cache where it can), without running
 * any install script.
 */
export async function scratchProject(tarball: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'popp-downstream-'));
  const ours = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'downstream-service', private: true, type: 'module' }, null, 2));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2023'],
          types: ['node'],
          strict: true,
          skipLibCheck: false,
          outDir: 'build',
          rootDir: 'src',
        },
        include: ['src'],
      },
      null,
      2,
    ),
  );
  await sh(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--ignore-scripts',
      tarball,
      `typescript@${ours.devDependencies.typescript}`,
      `@types/node@${ours.devDependencies['@types/node']}`,
    ],
    dir,
  );
  return dir;
}
