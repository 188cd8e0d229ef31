import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDockerCli } from '../../src/images/docker.js';
import { LOCAL_IMAGES } from '../../src/images/names.js';
import { projectRoot } from '../../src/paths.js';
import { ownerLabels } from '../../src/testing/owner.js';
import { signed } from './events.js';

const docker = createDockerCli();

/** Seconds `docker run --stop-timeout` gets, as the Dockerfile's usage says. */
export const STOP_TIMEOUT_S = Number(/--stop-timeout (\d+)/.exec(readFileSync(join(projectRoot, 'Dockerfile'), 'utf8'))?.[1] ?? 35);

export interface BridgeContainer {
  id: string;
  url: string;
  post(body: unknown, secret: string): Promise<{ status: number; body: { status?: string } }>;
  logs(): Promise<string>;
  /** `docker stop`: SIGTERM, then SIGKILL after the stop timeout. */
  stop(): Promise<void>;
  kill(): Promise<void>;
  state(): Promise<{ running: boolean; exitCode: number; user: string; readOnly: boolean }>;
  remove(): Promise<void>;
}

/**
 * The bridge image run the way the Dockerfile's usage says (`docker run
 * --stop-timeout`), hardened further: read-only root file system, a tmpfs
 * for /tmp, no new privileges; the user is the image's own (`node`).
 */
export async function runBridgeContainer(options: {
  network: string;
  hostPort: number;
  env: Record<string, string>;
  volume?: string;
}): Promise<BridgeContainer> {
  const labels = Object.entries(ownerLabels()).flatMap(([name, value]) => ['--label', `${name}=${value}`]);
  const env = Object.entries(options.env).flatMap(([name, value]) => ['-e', `${name}=${value}`]);
  const volume = options.volume ? ['-v', `${options.volume}:/app/spool`] : [];
  const args = [
    'run',
    '-d',
    '--stop-timeout',
    String(STOP_TIMEOUT_S),
    '--read-only',
    '--tmpfs',
    '/tmp',
    '--security-opt',
    'no-new-privileges',
  ];
  const id = (
    await docker.run([
      ...args,
      ...labels,
      '--network',
      options.network,
      '-p',
      `${options.hostPort}:3000`,
      ...env,
      ...volume,
      LOCAL_IMAGES.bridge,
    ])
  ).trim();
  const url = `http://127.0.0.1:${options.hostPort}`;
  const container: BridgeContainer = {
    id,
    url,
    async post(body, secret) {
      const { headers, payload } = signed(body, secret);
      const response = await fetch(`${url}/webhooks/popp`, { method: 'POST', headers, body: payload });
      return { status: response.status, body: (await response.json()) as { status?: string } };
    },
    logs: () => docker.run(['logs', id]).catch((error: Error) => error.message),
    stop: async () => {
      await docker.run(['stop', id]);
    },
    kill: async () => {
      await docker.run(['kill', id]);
    },
    async state() {
      const format = '{{ .State.Running }} {{ .State.ExitCode }} {{ .Config.User }} {{ .HostConfig.ReadonlyRootfs }}';
      const [running, exitCode, user, readOnly] = (await docker.run(['inspect', '--format', format, id])).trim().split(' ');
      return { running: running === 'true', exitCode: Number(exitCode), user: user ?? '', readOnly: readOnly === 'true' };
    },
    remove: async () => {
      await docker.run(['rm', '-f', '-v', id]).catch(() => '');
    },
  };
  await waitReady(container);
  return container;
}

/** Until /readyz answers 200 (Kafka reached, topics made), or the container exits. */
async function waitReady(container: BridgeContainer, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await fetch(`${container.url}/readyz`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) return;
    const state = await container.state();
    if (!state.running || Date.now() > deadline) {
      throw new Error(`the bridge container did not become ready (exit ${state.exitCode}):\n${(await container.logs()).slice(-3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function dockerCommand(args: string[]): Promise<string> {
  return docker.run(args);
}
