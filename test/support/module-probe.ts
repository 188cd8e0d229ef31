import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// ESM: a resolve hook (on the loader thread) appends every URL it resolved to a file before handing it back,
// so by the time the import has finished, the file names everything the import loaded.
const HOOKS = `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(log, result.url + '\\n');
  return result;
}
`;
const REGISTER = `import { register } from 'node:module';
register(new URL('./hooks.mjs', import.meta.url), { data: { log: process.env.PROBE_LOG } });
`;
// CommonJS (kafkajs, ajv, fastify, pino, … are CommonJS): modules required by other CommonJS modules never pass the
// ESM hooks, but every one of them is in the one CommonJS cache.
const PROBE = `import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
await import(process.argv[2]);
const esm = readFileSync(process.env.PROBE_LOG, 'utf8').split('\\n').filter(Boolean);
const cjs = Object.keys(createRequire(import.meta.url).cache);
console.log(JSON.stringify([...esm, ...cjs]));
`;

/**
 * Every module (file URL or path) that importing `target` loads in a fresh
 * Node process. `target` is a specifier as `cwd` resolves it, or a file URL;
 * `nodeArgs` go before the probe (`--import tsx` for TypeScript sources).
 */
export function modulesLoadedBy(target: string, options: { cwd: string; nodeArgs?: string[] }): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'popp-module-probe-'));
  try {
    writeFileSync(join(dir, 'hooks.mjs'), HOOKS);
    writeFileSync(join(dir, 'register.mjs'), REGISTER);
    // The probe runs from `cwd`, so a package name resolves as the service there would resolve it.
    const probe = join(options.cwd, `.module-probe-${process.pid}.mjs`);
    writeFileSync(probe, PROBE);
    try {
      const out = execFileSync(process.execPath, [...(options.nodeArgs ?? []), '--import', join(dir, 'register.mjs'), probe, target], {
        cwd: options.cwd,
        env: { ...process.env, PROBE_LOG: join(dir, 'loaded.log') },
        encoding: 'utf8',
      });
      return JSON.parse(out.trim().split('\n').pop() ?? '[]') as string[];
    } finally {
      rmSync(probe, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Packages only the bridge itself runs on (the HTTP server, logs, metrics, Redis, the registry). */
const BRIDGE_PACKAGES =
  /node_modules\/(fastify|@fastify\/[^/]+|pino|ioredis|prom-client|@kafkajs\/confluent-schema-registry|avvio|find-my-way)\//;
/** The bridge's own parts a consumer never needs: console, spool, devstack, the webhook route, server and commands. */
const BRIDGE_PARTS =
  /^(dist\/)?src\/(console|spool|devstack|admin|commands|cli|http|dedupe|registry|replay|webhook\/route|config)[/.]|^(dist\/)?src\/(server|app)\.(js|ts)$/;

/** Of what was loaded, what belongs to the bridge and not to the SDK; `packageRoot` is where the bridge's package lies. */
export function bridgeOnly(loaded: readonly string[], packageRoot: string): string[] {
  return loaded.filter((module) => {
    if (BRIDGE_PACKAGES.test(module)) return true;
    const path = module.startsWith('file:') ? fileURLToPath(module) : module;
    if (!path.startsWith(`${packageRoot}/`)) return false;
    const inPackage = path.slice(packageRoot.length + 1);
    return !inPackage.startsWith('node_modules/') && BRIDGE_PARTS.test(inPackage);
  });
}
