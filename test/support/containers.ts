import { createServer } from 'node:net';

/**
 * Host ports the integration tests publish containers on, one block per use,
 * so test files running side by side never reach for the same one.
 */
export const CONTAINER_PORTS = {
  kafka: { from: 45000, to: 45009 },
  bridgeKafka: { from: 45010, to: 45019 },
  bridge: { from: 45020, to: 45029 },
  compose: { from: 45030, to: 45039 },
  stack: { from: 45040, to: 45059 },
} as const;

/**
 * What a hook that builds images may take: the bridge image from nothing is
 * an npm ci and a compile inside docker build, minutes on a busy machine
 * (CI builds the images before the tests, so there they are reused at once).
 */
export const IMAGE_BUILD_MS = 20 * 60_000;

/** The first port of the block that nothing listens on now. */
export async function freePort(block: { from: number; to: number }): Promise<number> {
  for (let port = block.from; port <= block.to; port++) {
    if (await isFree(port)) return port;
  }
  throw new Error(`no free port in ${block.from}-${block.to}`);
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)));
  });
}
