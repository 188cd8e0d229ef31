import { hostname } from 'node:os';
import { getContainerRuntimeClient } from 'testcontainers';
import { isAlive } from '../disk/lock.js';

/**
 * Ryuk, Testcontainers' reaper, is an image from a registry, and registries
 * may be out of reach, so it is turned off (TESTCONTAINERS_RYUK_DISABLED) and
 * every container started here carries its owner's process: each is stopped
 * by whoever started it, and those of a process that died are removed by the
 * next run (docs/guides/containers.md).
 */
export const OWNER_LABEL = 'popp-bridge.owner';

export function ownerLabels(): Record<string, string> {
  return { [OWNER_LABEL]: `${hostname()}:${process.pid}` };
}

/** Removes the containers of owners on this host that are no longer running; returns their names. */
export async function removeOrphans(alive: (pid: number) => boolean = isAlive): Promise<string[]> {
  const { dockerode } = (await getContainerRuntimeClient()).container;
  const removed: string[] = [];
  for (const info of await dockerode.listContainers({ all: true, filters: { label: [OWNER_LABEL] } })) {
    const [host, pid] = (info.Labels?.[OWNER_LABEL] ?? '').split(':');
    if (host !== hostname() || alive(Number(pid))) continue;
    await dockerode.getContainer(info.Id).remove({ force: true, v: true });
    removed.push(info.Names?.[0]?.replace(/^\//, '') ?? info.Id.slice(0, 12));
  }
  return removed;
}
