// npm run package:check: packs the project as npm would publish it (from a fresh build), then checks the tarball
// with publint (package.json against the files it ships) and Are the Types Wrong (every entry point's types,
// as TypeScript resolves them for ESM under NodeNext and for bundlers). The package is ESM only: CommonJS
// `require` of it is not offered, so that profile is the one checked. Works offline.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../src/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'popp-bridge-pack-'));
const bin = (name: string) => join(projectRoot, 'node_modules', '.bin', name);
const run = (command: string, args: string[]) => execFileSync(command, args, { cwd: projectRoot, stdio: 'inherit' });
let code = 0;
try {
  // dist/ was just built by the npm script; scripts off: a pack that built again would take as long once more.
  const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
    cwd: projectRoot,
    encoding: 'utf8',
  });
  const [{ filename }] = JSON.parse(packed) as [{ filename: string }];
  const tarball = join(dir, filename);
  for (const [name, args] of [
    ['publint', ['run', tarball, '--strict']],
    ['attw', [tarball, '--profile', 'esm-only']],
  ] as const) {
    try {
      run(bin(name), [...args]);
    } catch {
      code = 1;
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode = code;
