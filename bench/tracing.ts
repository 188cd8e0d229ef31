import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Child } from './children.js';
import type { LoadResult } from './load.js';
import { startBridgeChild } from './setup.js';

/**
 * The tracing row: the bridge with every request sampled (always_on),
 * exporting http/protobuf to a local OTLP sink that reads and drops each
 * export, so the row's CPU µs per request beside the bridge row is what
 * tracing costs the bridge itself (docs/guides/observability.md).
 */
export async function tracingRow<R extends LoadResult>(
  measure: (name: string, url: string, server: Child) => Promise<R>,
  options: { brokers: string[]; port: number; sinkPort: number; prefix: string },
): Promise<R & { exports: number; exportedMb: number }> {
  let exports = 0;
  let bytes = 0;
  const sink = createServer((request, response) => {
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    request.on('end', () => {
      exports++;
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => sink.listen(options.sinkPort, '127.0.0.1', resolve));
  const bridge = await startBridgeChild({
    brokers: options.brokers,
    port: options.port,
    prefix: options.prefix,
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(sink.address() as AddressInfo).port}`,
      OTEL_TRACES_SAMPLER: 'always_on',
      OTEL_METRIC_EXPORT_INTERVAL: '10000',
    },
  });
  try {
    const row = await measure('bridge+tracing', `http://127.0.0.1:${options.port}/webhooks/popp`, bridge);
    return { ...row, exports, exportedMb: Math.round((bytes / 1024 ** 2) * 10) / 10 };
  } finally {
    await bridge.stop();
    await new Promise<void>((resolve) => sink.close(() => resolve()));
  }
}
