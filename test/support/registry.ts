import { connect, createServer, type Server, type Socket } from 'node:net';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { jsonSchemaOptions } from '../../src/registry/client.js';

/** A consumer's own client of the registry (the library, as a downstream Node service would use it). */
export function consumerRegistry(url: string): SchemaRegistry {
  return new SchemaRegistry({ host: url, clientId: 'popp-bridge-test-consumer' }, jsonSchemaOptions);
}

/** GET on the registry's Confluent-compatible API; undefined on 404. */
export async function registryGet<T>(url: string, path: string): Promise<T | undefined> {
  const response = await fetch(`${url}${path}`);
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export interface Gate {
  url: string;
  open(): Promise<void>;
  /** Stops listening and cuts every connection: to the bridge, the registry is gone. */
  close(): Promise<void>;
}

/**
 * A TCP pass-through to the real registry on a port of its own, so a test can
 * take the registry away from one bridge (and give it back) without stopping
 * the registry that other test files share.
 */
export async function registryGate(registryUrl: string): Promise<Gate> {
  const target = new URL(registryUrl);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const port = await freePort();
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => socket.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    open: listen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        if (!server) return resolve();
        server.close(() => resolve());
        server = undefined;
      }),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
