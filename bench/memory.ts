import { signedBodies } from './bodies.js';
import type { Child } from './children.js';
import { runLoad } from './load.js';

export interface RssSample {
  events: number;
  rssMb: number;
}

/**
 * The bridge's resident memory while `events` unique events go through it at
 * full speed, sampled after every `chunk` of them: the series shows whether it
 * stays flat. Bodies are signed a chunk at a time so the load generator never
 * holds a million of them.
 */
export async function rssOverEvents(
  url: string,
  bridge: Child,
  options: { events: number; chunk: number; connections: number; secret: string; onSample?: (sample: RssSample) => void },
): Promise<{ samples: RssSample[]; failed: number }> {
  const samples: RssSample[] = [];
  let failed = 0;
  for (let sent = 0; sent < options.events; ) {
    const amount = Math.min(options.chunk, options.events - sent);
    // A fresh random eventId per body: no chunk repeats another's events.
    const result = await runLoad(url, signedBodies(amount, options.secret), { connections: options.connections, amount });
    failed += result.non2xx + result.errors;
    sent += amount;
    const sample = { events: sent, rssMb: bridge.rssMb() };
    samples.push(sample);
    options.onSample?.(sample);
  }
  return { samples, failed };
}
