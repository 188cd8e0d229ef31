import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discardBound } from '../../../src/http/oversized-bodies.js';
import { inMemoryApp } from '../../support/app.js';
import { rawConnection, signedRequest, writeWholeThenRead } from '../../support/raw-socket.js';

const MAX_BODY_BYTES = 16_384;
/** A port of this file's own: the server must be a real one, for real TCP resets. */
const PORT = 42010;

/** A JSON body of exactly `size` bytes. */
function bodyOf(size: number): string {
  const frame = '{"pad":""}';
  return `{"pad":"${'x'.repeat(size - frame.length)}"}`;
}

describe('a signed body over MAX_BODY_BYTES, sent with Content-Length by a sender that writes it all', () => {
  const { app } = inMemoryApp({ deps: { maxBodyBytes: MAX_BODY_BYTES } });
  const url = `http://127.0.0.1:${PORT}`;
  beforeAll(async () => {
    await app.listen({ host: '127.0.0.1', port: PORT });
  });
  afterAll(async () => {
    await app.close();
  });

  it('is always answered 413, and the sender reads it without a reset, however its writes fall', async () => {
    const outcomes: string[] = [];
    // Each pace lets the answer fall at another point of the body: before it, in the middle, after it.
    for (let run = 0; run < 30; run++) {
      const request = signedRequest(bodyOf(MAX_BODY_BYTES + 1));
      const chunkBytes = [512, 1_024, 4_096][run % 3] as number;
      const result = await writeWholeThenRead(url, request, { chunkBytes, pauseMs: run % 2 });
      outcomes.push(result.writeError ?? result.received.slice(0, 12));
    }
    expect(outcomes).toEqual(Array.from({ length: 30 }, () => 'HTTP/1.1 413'));
  });

  it('answers a body declared past the discard bound 413 at once, without waiting for it', async () => {
    const client = await rawConnection(url);
    const { head } = signedRequest(bodyOf(200));
    client.write(head.replace(/content-length: \d+/, `content-length: ${discardBound(MAX_BODY_BYTES) + 1}`));
    client.write('{"pad":"');
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 413 .*"error":"payload_too_large"/s);
  });
});
