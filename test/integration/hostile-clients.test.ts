import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { documentUploaded } from '../support/events.js';
import { uniquePrefix } from '../support/kafka.js';
import { type RawConnection, rawConnection, signedRequest, stalledRequest } from '../support/raw-socket.js';

const brokers = inject('kafkaBrokers');
const REQUEST_TIMEOUT_MS = 1_000;

describe('slow, stalled and pipelining clients against a real bridge', () => {
  let bridge: TestBridge;
  const open: RawConnection[] = [];
  const connection = async () => {
    const made = await rawConnection(bridge.bridge.url);
    open.push(made);
    return made;
  };
  beforeAll(async () => {
    bridge = await startTestBridge(brokers, uniquePrefix('hostile'), {
      MAX_IN_FLIGHT_REQUESTS: '5',
      MAX_UNVERIFIED_REQUESTS: '8',
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    });
  });
  afterAll(async () => {
    for (const made of open) made.socket.destroy();
    await bridge?.close();
  });

  it('cuts a body sent a byte at a time at REQUEST_TIMEOUT_MS (checked every second) with 408', async () => {
    const client = await connection();
    const { head, payload } = signedRequest(documentUploaded());
    client.write(head);
    let sent = 0;
    const drip = setInterval(() => {
      if (!client.socket.destroyed && sent < payload.length) client.write(payload.subarray(sent, ++sent));
    }, 100);
    const closedAfter = await client.closed;
    clearInterval(drip);
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(closedAfter).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(closedAfter).toBeLessThan(REQUEST_TIMEOUT_MS + 1_000 + 500);
  });

  it('cuts headers sent a byte at a time at the same bound', async () => {
    const client = await connection();
    const { head } = signedRequest(documentUploaded());
    let sent = 0;
    const drip = setInterval(() => {
      if (!client.socket.destroyed && sent < head.length - 4) client.write(head.slice(sent, ++sent));
    }, 50);
    const closedAfter = await client.closed;
    clearInterval(drip);
    expect(closedAfter).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(closedAfter).toBeLessThan(REQUEST_TIMEOUT_MS + 1_000 + 500);
  });

  it('publishes a signed webhook while as many unsigned requests as MAX_IN_FLIGHT_REQUESTS stall mid-body', async () => {
    const stalls = await Promise.all(Array.from({ length: 5 }, () => connection()));
    for (const stall of stalls) stall.write(stalledRequest());
    await sleep(100);
    const response = await bridge.post(documentUploaded());
    expect(response.status).toBe(200);
    // The stalls are cut at the request timeout, with 408.
    for (const stall of stalls) await stall.closed;
    for (const stall of stalls) expect(stall.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('bounds stalled requests by MAX_UNVERIFIED_REQUESTS, and admits again once the timeout cut them', async () => {
    const stalls = await Promise.all(Array.from({ length: 8 }, () => connection()));
    for (const stall of stalls) stall.write(stalledRequest());
    await sleep(100);
    const refused = await bridge.post(documentUploaded());
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error: 'overloaded' });
    expect(refused.headers.get('retry-after')).toBe('5');
    for (const stall of stalls) await stall.closed;
    expect((await bridge.post(documentUploaded())).status).toBe(200);
  });

  it('closes a connection that pipelines thousands of requests without reading, and answers others meanwhile', async () => {
    const client = await connection();
    client.socket.pause();
    client.write('GET /readyz HTTP/1.1\r\nhost: bridge\r\n\r\n'.repeat(4_000));
    const closed = await Promise.race([client.closed.then(() => true), sleep(5_000).then(() => false)]);
    expect(closed).toBe(true);
    client.socket.resume();
    // At most the 16 requests a connection may have open were answered.
    expect(client.received().split('HTTP/1.1 200').length - 1).toBeLessThanOrEqual(16);
    expect((await fetch(`${bridge.bridge.url}/healthz`)).status).toBe(200);
  });

  it('frees the webhook slots of pipelined requests whose connection it closed', async () => {
    const client = await connection();
    client.socket.pause();
    const requests = Array.from({ length: 40 }, () => {
      const { head, payload } = signedRequest(documentUploaded());
      return Buffer.concat([Buffer.from(head), payload]);
    });
    client.write(Buffer.concat(requests));
    await client.closed;
    // Five at once is exactly MAX_IN_FLIGHT_REQUESTS: a single leaked slot would refuse one of them.
    await sleep(200);
    const responses = await Promise.all(Array.from({ length: 5 }, () => bridge.post(documentUploaded())));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
  });
});
