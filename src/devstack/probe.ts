import { connect } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';

/**
 * The cluster id of the Kafka broker answering at `brokers`, or undefined
 * when none answers within `timeoutMs`. The id tells our broker apart from
 * any other Kafka on the port. Short timeouts and no retries: kafkajs'
 * defaults take 12–30 s to give up on a closed or silent port, and the
 * caller polls anyway.
 */
export async function probeClusterId(brokers: string[], timeoutMs = 4_000): Promise<string | undefined> {
  const kafka = new Kafka({
    clientId: 'popp-bridge-devstack',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: Math.max(1_000, timeoutMs - 1_000),
    retry: { retries: 0 },
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  const ask = (async () => {
    await admin.connect();
    return (await admin.describeCluster()).clusterId;
  })().catch(() => undefined);
  try {
    return await Promise.race([ask, deadline]);
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => {});
  }
}

/** Whether anything accepts TCP connections on host:port (a Kafka broker or not). */
export function isPortOpen(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Undefined when nothing listens on host:port; otherwise who does, for the
 * error message: a program that is not Kafka, another Kafka, or our own
 * broker whose pid file was lost.
 */
export async function portUser(host: string, port: number, ourClusterId: string | undefined): Promise<string | undefined> {
  if (!(await isPortOpen(host, port))) return undefined;
  const answering = await probeClusterId([`${host}:${port}`]);
  if (answering === undefined) return 'another program';
  return answering === ourClusterId ? 'this same broker, but its pid file is gone' : `another Kafka (cluster ${answering})`;
}
