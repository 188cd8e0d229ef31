import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type Env, loadConfig, VARIABLES } from '../../src/config.js';
import { projectRoot } from '../../src/paths.js';

// No Docker engine runs these files here: this test keeps them in agreement with the code.

const read = (file: string) => readFileSync(join(projectRoot, file), 'utf8');
const dockerfile = parseDockerfile(read('Dockerfile'));
const compose = parseYaml(read('docker-compose.yml')) as Compose;
const packageJson = JSON.parse(read('package.json')) as { bin: Record<string, string> };
const runtime = must(dockerfile.stages.at(-1), 'a stage in the Dockerfile');
const kafka = service('kafka');
const registry = service('schema-registry');
const bridge = service('bridge');
const bridgeEnv = environment(bridge, {});
const kafkaEnv = environment(kafka, {});
const advertised = listeners(kafkaEnv.KAFKA_ADVERTISED_LISTENERS);
const bound = listeners(kafkaEnv.KAFKA_LISTENERS);

describe('Dockerfile', () => {
  it('runs the package bin with the serve command', () => {
    expect(packageJson.bin['popp-bridge']).toBe('bin/popp-bridge.js');
    expect(existsSync(join(projectRoot, 'bin/popp-bridge.js'))).toBe(true);
    expect([...runtime.entrypoint, ...runtime.cmd]).toEqual(['node', 'bin/popp-bridge.js', 'serve']);
  });

  it('runs on Node 20 as the non-root node user in production mode', () => {
    expect(runtime.from).toMatch(/^node:20-(slim|alpine)$/);
    expect(runtime.user).toBe('node');
    expect(runtime.env.NODE_ENV).toBe('production');
  });

  it('compiles everything tsconfig.build.json includes, in the build stage', () => {
    const build = must(
      dockerfile.stages.find((stage) => stage.files.has('dist')),
      'a stage that builds dist',
    );
    const { include } = JSON.parse(read('tsconfig.build.json')) as { include: string[] };
    for (const file of [...include, 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json']) {
      expect(build.files.get(file), file).toBe(posix.join(build.workdir, file));
    }
  });

  it('puts package.json, bin, dist, schemas and generated side by side in the working directory, where the code looks for them', () => {
    for (const file of ['package.json', 'package-lock.json', 'bin', 'dist', 'schemas', 'generated']) {
      expect(runtime.files.get(file), file).toBe(posix.join(runtime.workdir, file));
    }
  });

  it('installs only production dependencies in the runtime image, without running scripts', () => {
    const install = must(
      runtime.runs.find((run) => /\bnpm ci\b/.test(run)),
      'npm ci in the runtime stage',
    );
    expect(install).toMatch(/--omit=dev\b/);
    expect(install).toMatch(/--ignore-scripts\b/);
  });

  it('sets only variables the bridge declares, with values it accepts', () => {
    const unknown = Object.keys(runtime.env).filter((name) => !Object.hasOwn(VARIABLES, name));
    expect(unknown).toEqual([]);
    expect(() => loadConfig({ ...runtime.env, POPP_WEBHOOK_SECRET: 's', KAFKA_BROKERS: 'k:9092' })).not.toThrow();
  });

  it("tells docker run to wait longer than the bridge's own shutdown bound before it kills the container", () => {
    const stopTimeout = Number(must(/--stop-timeout (\d+)/.exec(read('Dockerfile'))?.[1], 'docker run --stop-timeout N in the usage'));
    const env = { ...runtime.env, POPP_WEBHOOK_SECRET: 's', KAFKA_BROKERS: 'k:9092' };
    expect(stopTimeout * 1000).toBeGreaterThanOrEqual(loadConfig(env).shutdown.timeoutMs + STOP_MARGIN_MS);
  });

  it('exposes the port the bridge listens on by default', () => {
    expect(runtime.expose).toEqual([loadConfig({}).port]);
  });

  it('has a health check that passes while /healthz answers 200 and fails when it does not', async () => {
    const check = must(runtime.healthcheck, 'a HEALTHCHECK');
    expect(check.join(' ')).toContain('/healthz');
    expect(check[0]).toBe('node'); // slim images have no curl
    expect(await exitCodeAgainst(check, 200)).toBe(0);
    expect(await exitCodeAgainst(check, 503)).not.toBe(0);
  });

  it('keeps local state out of the build context but nothing the image copies from it', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.devstack', '.git', 'bench/results', 'coverage']));
    for (const stage of dockerfile.stages) {
      for (const source of stage.contextSources) expect(ignored, source).not.toContain(source);
    }
  });
});

describe('docker-compose.yml', () => {
  it('gives the bridge only variables that the bridge reads', () => {
    const unknown = Object.keys(bridgeEnv).filter((name) => !Object.hasOwn(VARIABLES, name));
    expect(unknown).toEqual([]);
  });

  it('lets the bridge finish its own bounded shutdown before compose kills it, with time to spare', () => {
    const grace = seconds(must(bridge.stop_grace_period, 'stop_grace_period on the bridge'));
    expect(grace * 1000).toBeGreaterThanOrEqual(loadConfig(bridgeEnv).shutdown.timeoutMs + STOP_MARGIN_MS);
  });

  it('starts the bridge in production mode with everything production mode requires', () => {
    const config = loadConfig(bridgeEnv);
    expect(config.production).toBe(true);
    expect(config.secrets).toHaveLength(1);
    expect(config.kafkaBrokers).toBeDefined();
  });

  it('takes the webhook secret from the shell when one is set', () => {
    const config = loadConfig(environment(bridge, { POPP_WEBHOOK_SECRET: 'from-the-shell' }));
    expect(config.secrets).toEqual(['from-the-shell']);
  });

  it('points the bridge at an advertised Kafka listener that the kafka service binds on the same port', () => {
    const brokers = must(loadConfig(bridgeEnv).kafkaBrokers, 'KAFKA_BROKERS');
    for (const broker of brokers) {
      const listener = must(
        advertised.find((item) => item.address === broker),
        `${broker} among KAFKA_ADVERTISED_LISTENERS`,
      );
      expect(listener.host).toBe('kafka');
      expect(bound.find((item) => item.name === listener.name)?.port).toBe(listener.port);
    }
  });

  it('publishes every listener advertised to the host on the port it advertises', () => {
    const hostListeners = advertised.filter((item) => item.host === 'localhost' || item.host === '127.0.0.1');
    expect(hostListeners.length).toBeGreaterThan(0);
    for (const listener of hostListeners) {
      expect(bound.find((item) => item.name === listener.name)?.port).toBe(listener.port);
      expect(ports(kafka)).toContainEqual(expect.objectContaining({ published: listener.port, target: listener.port }));
    }
  });

  it('uses the official images unless the shell names others', () => {
    expect(interpolate(must(kafka.image, 'the kafka image'), {})).toBe('apache/kafka:4.1.1');
    expect(interpolate(must(registry.image, 'the registry image'), {})).toMatch(/^confluentinc\/cp-schema-registry:/);
    const local = { KAFKA_IMAGE: 'popp-bridge-local/kafka:4.1.1', BRIDGE_IMAGE: 'popp-bridge-local/bridge:latest' };
    expect(interpolate(must(kafka.image, 'the kafka image'), local)).toBe(local.KAFKA_IMAGE);
    expect(interpolate(must(bridge.image, 'the bridge image'), local)).toBe(local.BRIDGE_IMAGE);
  });

  it('moves the host listener of Kafka as one: bound, advertised and published on KAFKA_HOST_PORT', () => {
    const shell = { KAFKA_HOST_PORT: '45555' };
    const env = environment(kafka, shell);
    const external = listeners(env.KAFKA_ADVERTISED_LISTENERS).filter((item) => item.host === 'localhost');
    expect(external.map((item) => item.port)).toEqual([45555]);
    expect(listeners(env.KAFKA_LISTENERS).find((item) => item.name === external[0]?.name)?.port).toBe(45555);
    expect(ports(kafka, shell)).toContainEqual({ published: 45555, target: 45555 });
    expect(ports(bridge, { BRIDGE_PORT: '45556' })).toContainEqual({ published: 45556, target: 3000 });
  });

  it('keeps the controller listener for the quorum, never advertised', () => {
    const controller = must(kafkaEnv.KAFKA_CONTROLLER_LISTENER_NAMES, 'KAFKA_CONTROLLER_LISTENER_NAMES');
    const voterPort = Number(kafkaEnv.KAFKA_CONTROLLER_QUORUM_VOTERS?.split(':').at(-1));
    expect(bound.find((item) => item.name === controller)?.port).toBe(voterPort);
    expect(advertised.map((item) => item.name)).not.toContain(controller);
  });

  it('leaves topic creation to the bridge, with replication that one broker can satisfy', () => {
    expect(kafkaEnv.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
    expect(kafkaEnv.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe('1');
    expect(kafkaEnv.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR).toBe('1');
    expect(loadConfig(bridgeEnv).topics.replicationFactor).toBe(1);
  });

  it('keeps Kafka data in a named volume at its log directory', () => {
    const mount = `kafka-data:${kafkaEnv.KAFKA_LOG_DIRS}`;
    expect(kafka.volumes).toContain(mount);
    expect(Object.keys(compose.volumes ?? {})).toContain('kafka-data');
  });

  it('points the bridge and the registry at the services they need, on the ports those serve', () => {
    const url = new URL(must(bridgeEnv.SCHEMA_REGISTRY_URL, 'SCHEMA_REGISTRY_URL'));
    const registryEnv = environment(registry, {});
    const registryPort = new URL(must(registryEnv.SCHEMA_REGISTRY_LISTENERS, 'SCHEMA_REGISTRY_LISTENERS')).port;
    expect(url.hostname).toBe('schema-registry');
    expect(url.port).toBe(registryPort);
    const store = registryEnv.SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS?.replace(/^PLAINTEXT:\/\//, '');
    expect(advertised.filter((item) => item.host === 'kafka').map((item) => item.address)).toContain(store);
  });

  it("publishes the bridge's listening port, which is the port the image exposes", () => {
    const port = loadConfig(bridgeEnv).port;
    expect(port).toBe(loadConfig({}).port);
    expect(ports(bridge)).toContainEqual(expect.objectContaining({ target: port }));
    expect(runtime.expose).toContain(port);
  });

  it('health-checks all three services and starts the bridge only once Kafka and the registry are healthy', () => {
    for (const checked of [kafka, registry]) {
      expect(checked.healthcheck?.test?.length).toBeGreaterThan(0);
      expect(checked.healthcheck?.disable).not.toBe(true);
    }
    // The bridge's own check is the image's HEALTHCHECK.
    expect(bridge.build).toBe('.');
    expect(bridge.healthcheck?.test ?? runtime.healthcheck).toBeDefined();
    expect(bridge.depends_on).toEqual({
      kafka: { condition: 'service_healthy' },
      'schema-registry': { condition: 'service_healthy' },
    });
  });
});

// --- docker-compose.yml ---------------------------------------------------------------------

/** Time for the process to exit after its shutdown bound fired (exit 1 is itself a step). */
const STOP_MARGIN_MS = 5_000;

/** A compose duration such as `35s`, `1m30s`, in seconds. */
function seconds(duration: string): number {
  let total = 0;
  for (const [, amount, unit] of duration.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us)/g)) {
    total += Number(amount) * ({ h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6 }[unit as string] ?? 0);
  }
  return total;
}

interface Service {
  stop_grace_period?: string;
  image?: string;
  build?: string | { context: string };
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | { target: number; published?: number | string })[];
  volumes?: string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  depends_on?: unknown;
}

interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

function service(name: string): Service {
  return must(compose.services[name], `service ${name}`);
}

/** A service's environment as the container sees it, `${...}` substituted from `shell` like compose does. */
function environment(of: Service, shell: Env): Env {
  const entries = Array.isArray(of.environment)
    ? of.environment.map((line) => [line.split('=')[0] ?? '', line.slice(line.indexOf('=') + 1)] as const)
    : Object.entries(of.environment ?? {});
  return Object.fromEntries(entries.map(([name, value]) => [name, interpolate(String(value ?? ''), shell)]));
}

function interpolate(value: string, shell: Env): string {
  return value.replace(/\$\$|\$\{(\w+)(?:(:?)([-?])([^}]*))?\}|\$(\w+)/g, (match, braced, colon, kind, word, bare) => {
    if (match === '$$') return '$';
    const name: string = braced ?? bare;
    const current = shell[name];
    const missing = current === undefined || (colon === ':' && current === '');
    if (!missing) return current;
    if (kind === '-') return word;
    if (kind === '?') throw new Error(`compose would stop: ${name}: ${word}`);
    return '';
  });
}

function ports(of: Service, shell: Env = {}): { published: number; target: number }[] {
  return (of.ports ?? []).map((entry) => {
    if (typeof entry === 'object') return { published: Number(entry.published ?? entry.target), target: entry.target };
    const parts = interpolate(entry, shell)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    return { published: Number(parts.at(-2) ?? parts.at(-1)), target: Number(parts.at(-1)) };
  });
}

/** `NAME://host:port,...` */
function listeners(value: string | undefined) {
  return (value ?? '').split(',').map((item) => {
    const match = must(/^(\w+):\/\/([^:]*):(\d+)$/.exec(item.trim()), `a listener, got "${item}"`);
    const [, name = '', host = '', port = ''] = match;
    return { name, host, port: Number(port), address: `${host}:${port}` };
  });
}

// --- Dockerfile -----------------------------------------------------------------------------

interface Stage {
  name: string | undefined;
  from: string;
  workdir: string;
  user: string | undefined;
  env: Record<string, string>;
  expose: number[];
  runs: string[];
  entrypoint: string[];
  cmd: string[];
  healthcheck: string[] | undefined;
  /** Where each file or folder of the project ends up in this stage (dist: where the build writes it). */
  files: Map<string, string>;
  /** What the stage COPYs from the build context. */
  contextSources: string[];
}

function parseDockerfile(text: string): { stages: Stage[] } {
  const lines = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  const { compilerOptions } = JSON.parse(read('tsconfig.json')) as { compilerOptions: { outDir: string } };
  for (const line of lines) {
    const keyword = (line.split(/\s/, 1)[0] ?? '').toUpperCase();
    const rest = line.slice(keyword.length).trim();
    const stage = stages.at(-1);
    if (keyword === 'ARG' && !stage) {
      const [name = '', value = ''] = rest.split('=');
      args[name] = expand(value);
    } else if (keyword === 'FROM') {
      const [image = '', , name] = rest.split(/\s+/);
      const from = expand(image);
      const base = stages.find((item) => item.name === from);
      stages.push({
        ...(base ?? { workdir: '/', user: undefined, expose: [], entrypoint: [], cmd: [], healthcheck: undefined }),
        env: { ...base?.env },
        name,
        from,
        runs: [],
        files: new Map(base?.files),
        contextSources: [],
      });
    } else if (stage) {
      apply(stage, keyword, rest);
      if (keyword === 'RUN' && /\bnpm run build\b/.test(rest)) stage.files.set('dist', posix.join(stage.workdir, compilerOptions.outDir));
    }
  }
  return { stages };

  /** `${NAME}` from the ARGs declared before the first stage, with their default values. */
  function expand(value: string): string {
    return value.replace(/\$\{(\w+)\}/g, (_, arg: string) => args[arg] ?? '');
  }

  function apply(stage: Stage, keyword: string, rest: string): void {
    if (keyword === 'WORKDIR') stage.workdir = posix.resolve(stage.workdir, rest);
    if (keyword === 'USER') stage.user = rest;
    if (keyword === 'RUN') stage.runs.push(rest);
    if (keyword === 'EXPOSE') stage.expose = rest.split(/\s+/).map((port) => Number.parseInt(port, 10));
    if (keyword === 'ENTRYPOINT') stage.entrypoint = execForm(rest);
    if (keyword === 'CMD') stage.cmd = execForm(rest);
    if (keyword === 'HEALTHCHECK') stage.healthcheck = execForm(rest.replace(/^(--\S+\s+)*CMD\s+/, ''));
    if (keyword === 'ENV') {
      for (const match of rest.matchAll(/(\w+)=("[^"]*"|\S+)/g)) stage.env[match[1] ?? ''] = (match[2] ?? '').replace(/^"|"$/g, '');
    }
    if (keyword === 'COPY') copy(stage, rest.split(/\s+/));
  }

  function copy(stage: Stage, words: string[]): void {
    const from = words.find((word) => word.startsWith('--from='))?.slice('--from='.length);
    const paths = words.filter((word) => !word.startsWith('--'));
    const destination = posix.resolve(stage.workdir, must(paths.pop(), 'a COPY destination'));
    const intoFolder = paths.length > 1 || words.at(-1)?.endsWith('/');
    const source =
      from === undefined
        ? undefined
        : must(
            stages.find((item) => item.name === from),
            `stage ${from}`,
          );
    for (const path of paths) {
      const target = intoFolder ? posix.join(destination, posix.basename(path)) : destination;
      if (!source) {
        const file = posix.normalize(path).replace(/\/$/, '');
        stage.contextSources.push(file);
        stage.files.set(file, target);
        continue;
      }
      for (const [file, location] of source.files) {
        if (location === posix.resolve('/', path)) stage.files.set(file, target);
      }
    }
  }
}

function execForm(rest: string): string[] {
  if (!rest.startsWith('[')) throw new Error(`use the exec (JSON) form, got: ${rest}`);
  return JSON.parse(rest) as string[];
}

// --- helpers --------------------------------------------------------------------------------

function must<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`expected ${what}`);
  return value;
}

/** Runs the image's health check command against a local server whose /healthz answers `status`. */
async function exitCodeAgainst(command: string[], status: number): Promise<number> {
  const server = createServer((request, response) => {
    response.statusCode = request.url === '/healthz' ? status : 404;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const [program = '', ...args] = command;
  try {
    await promisify(execFile)(program === 'node' ? process.execPath : program, args, {
      env: { ...process.env, PORT: String(port) },
      timeout: 10_000,
    });
    return 0;
  } catch (error) {
    return (error as { code?: number }).code ?? -1;
  } finally {
    server.close();
  }
}
