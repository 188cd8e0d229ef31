import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AlwaysOnSampler, BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import type { OutgoingRecord } from '../../../src/contract/record.js';
import { BridgeError } from '../../../src/errors.js';
import { openTelemetry } from '../../../src/telemetry/open.js';
import { NO_TELEMETRY } from '../../../src/telemetry/telemetry.js';
import { createWebhookTelemetry } from '../../../src/telemetry/webhook-spans.js';

describe('the OTEL_* settings', () => {
  it('leave tracing off without an endpoint, or with OTEL_SDK_DISABLED=true', async () => {
    expect(loadConfig({}).telemetry).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).telemetry).toBeUndefined();
    expect(await openTelemetry(undefined, '0.0.0')).toBe(NO_TELEMETRY);
  });

  it('add the signal paths to the endpoint and read the standard variables', () => {
    const telemetry = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=abc%3D%3D,x-team=events',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    }).telemetry;
    expect(telemetry).toMatchObject({
      tracesUrl: 'http://collector:4318/v1/traces',
      metricsUrl: 'http://collector:4318/v1/metrics',
      protocol: 'http/protobuf',
      headers: { 'api-key': 'abc==', 'x-team': 'events' },
      serviceName: 'popp-bridge',
      resourceAttributes: { 'deployment.environment.name': 'prod' },
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.25,
    });
  });

  it('refuse an OTLP protocol the bridge does not offer, naming the variable', () => {
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL/);
  });
});

function traced() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const telemetry = createWebhookTelemetry(provider.getTracer('test'), undefined);
  const request = {};
  telemetry.begin(request, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }, 'POST', '/webhooks/popp');
  return { exporter, telemetry, request };
}

const record = (topic: string, headers: Record<string, string>): OutgoingRecord => ({
  topic,
  key: 'rec_1',
  value: Buffer.from('{}'),
  headers,
});

describe('the webhook spans', () => {
  it('give each record headers of its own carrying its own producer span, even when the records shared one object', async () => {
    const { exporter, telemetry, request } = traced();
    const shared = { 'event-id': 'evt_1', 'event-type': 'DOCUMENT_UPLOADED' };
    const sent: OutgoingRecord[] = [];
    await telemetry.trace(request).deliver([record('t.type', shared), record('t.log', shared)], async (records) => {
      sent.push(...records);
      telemetry.partitionChosen(records[0]?.headers as object, 1);
      return 'published';
    });
    const producers = exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.PRODUCER);
    expect(producers.map((span) => span.name)).toEqual(['send t.type', 'send t.log']);
    sent.forEach((sentRecord, i) => {
      const { traceId, spanId } = (producers[i] as (typeof producers)[number]).spanContext();
      expect(sentRecord.headers.traceparent).toBe(`00-${traceId}-${spanId}-01`);
    });
    expect(shared).not.toHaveProperty('traceparent');
    expect(producers[0]?.attributes).toMatchObject({
      'messaging.destination.partition.id': '1',
      'messaging.message.id': 'evt_1',
      'popp.outcome': 'published',
    });
    expect(producers[1]?.attributes).not.toHaveProperty('messaging.destination.partition.id');
  });

  it('mark records Kafka did not take with error.type and an error status, and the 5xx request too', async () => {
    const { exporter, telemetry, request } = traced();
    const failing = telemetry.trace(request).deliver([record('t.type', {})], async () => {
      throw new BridgeError('kafka_unavailable');
    });
    await expect(failing).rejects.toThrow(BridgeError);
    telemetry.trace(request).outcome('unavailable', { error: 'kafka_unavailable' });
    telemetry.end(request, 503);
    const [producer, server] = exporter.getFinishedSpans();
    expect(producer?.attributes).toMatchObject({ 'error.type': 'kafka_unavailable', 'popp.outcome': 'failed' });
    expect(producer?.status.code).toBe(SpanStatusCode.ERROR);
    expect(server?.kind).toBe(SpanKind.SERVER);
    expect(server?.attributes).toMatchObject({ 'http.response.status_code': 503, 'error.type': 'kafka_unavailable' });
    expect(server?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('end a step span when its promise settles, with error.type when it rejects', async () => {
    const { exporter, telemetry, request } = traced();
    await expect(telemetry.trace(request).step('dedupe', () => Promise.reject(new TypeError('no')))).rejects.toThrow(TypeError);
    expect(telemetry.trace(request).step('verify', () => true)).toBe(true);
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => [span.name, span.attributes['error.type']])).toEqual([
      ['dedupe', 'TypeError'],
      ['verify', undefined],
    ]);
  });
});
