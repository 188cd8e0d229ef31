import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { eventually, startTestConsumer, uniqueGroup } from '../support/consumer.js';
import { documentUploaded, SECRET, signed } from '../support/events.js';
import { readRecords, recordCount, uniquePrefix } from '../support/kafka.js';
import { type OtlpReceiver, type ReceivedSpan, SPAN_KIND, startOtlpReceiver } from '../support/otlp-receiver.js';

const brokers = inject('kafkaBrokers');
const ENCODINGS = [
  { protocol: 'http/protobuf', port: 47010, contentType: 'application/x-protobuf' },
  { protocol: 'http/json', port: 47011, contentType: 'application/json' },
] as const;

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const inTrace = (receiver: OtlpReceiver, traceId: string) => receiver.spans.filter((span) => span.traceId === traceId);
const serverSpanOf = (receiver: OtlpReceiver, eventId: string) =>
  receiver.spans.find((span) => span.kind === SPAN_KIND.server && span.attributes['popp.event.id'] === eventId);

describe.each(ENCODINGS)('traces over OTLP $protocol', ({ protocol, port, contentType }) => {
  let receiver: OtlpReceiver;
  let bridge: TestBridge;
  beforeAll(async () => {
    receiver = await startOtlpReceiver(port);
    bridge = await startTestBridge(brokers, uniquePrefix('tracing'), {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      OTEL_TRACES_SAMPLER: 'always_on',
      OTEL_SERVICE_NAME: 'bridge-under-test',
    });
  });
  afterAll(async () => {
    await bridge?.close();
    await receiver?.close();
  });

  /** The event's SERVER span once exported, and every span of its trace. */
  async function exported(eventId: string, producers = 2): Promise<{ server: ReceivedSpan; spans: ReceivedSpan[] }> {
    await eventually(
      () => {
        const server = serverSpanOf(receiver, eventId);
        return (
          server !== undefined && inTrace(receiver, server.traceId).filter((span) => span.kind === SPAN_KIND.producer).length >= producers
        );
      },
      30_000,
      () => JSON.stringify(receiver.spans.map((span) => span.name)),
    );
    const server = serverSpanOf(receiver, eventId) as ReceivedSpan;
    return { server, spans: inTrace(receiver, server.traceId) };
  }

  /** Both records of the event carry the traceparent of their own producer span. */
  async function expectRecordsPointAtProducers(event: ReturnType<typeof documentUploaded>, spans: ReceivedSpan[]) {
    const typeTopic = `${bridge.prefix}document.uploaded`;
    const topics = [typeTopic, bridge.topics.log];
    const records = (await readRecords(brokers, topics, await recordCount(brokers, topics))).filter(
      (record) => record.headers['event-id'] === event.eventId,
    );
    expect(records.map((record) => record.topic).sort()).toEqual([bridge.topics.log, typeTopic].sort());
    for (const record of records) {
      const producer = spans.find((span) => span.kind === SPAN_KIND.producer && span.name === `send ${record.topic}`) as ReceivedSpan;
      expect(record.headers.traceparent).toBe(`00-${producer.traceId}-${producer.spanId}-01`);
    }
    expect(records[0]?.headers.traceparent).not.toBe(records[1]?.headers.traceparent);
  }

  it('continues an incoming traceparent: a SERVER span, its steps and a PRODUCER span per record', async () => {
    const callerTrace = hex(16);
    const callerSpan = hex(8);
    const event = documentUploaded();
    const response = await bridge.post(event, { traceparent: `00-${callerTrace}-${callerSpan}-01` });
    expect(response.status).toBe(200);

    const { server, spans } = await exported(event.eventId);
    expect(server.traceId).toBe(callerTrace);
    expect(server.parentSpanId).toBe(callerSpan);
    expect(server.service).toBe('bridge-under-test');
    expect(server.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/webhooks/popp',
      'http.response.status_code': 200,
      'popp.webhook.outcome': 'published',
      'popp.event.type': 'DOCUMENT_UPLOADED',
    });
    const steps = spans.filter((span) => span.parentSpanId === server.spanId && span.kind === SPAN_KIND.internal).map((span) => span.name);
    expect(steps.sort()).toEqual(['age', 'dedupe', 'validate', 'verify']);

    const producers = spans.filter((span) => span.kind === SPAN_KIND.producer);
    expect(producers.map((span) => span.name).sort()).toEqual(
      [`send ${bridge.prefix}document.uploaded`, `send ${bridge.topics.log}`].sort(),
    );
    for (const producer of producers) {
      expect(producer.parentSpanId).toBe(server.spanId);
      expect(producer.attributes).toMatchObject({
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.destination.name': producer.name.slice('send '.length),
        'messaging.message.id': event.eventId,
        'messaging.kafka.message.key': event.data.recordId,
        'popp.outcome': 'published',
      });
      expect(producer.attributes['messaging.destination.partition.id']).toMatch(/^[01]$/);
    }
    await expectRecordsPointAtProducers(event, spans);

    // Ids, names and outcomes only: nothing of the body, the signature or the secret.
    const everything = JSON.stringify(spans);
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(signed(event).headers['x-signature']);
    expect(everything).not.toContain(event.data.organizationId);
    expect(receiver.requests.every((request) => request.contentType.startsWith(contentType))).toBe(true);
  });

  it('starts a new trace for a request without a traceparent, and its records still point at their producer spans', async () => {
    const event = documentUploaded();
    expect((await bridge.post(event)).status).toBe(200);
    const { server, spans } = await exported(event.eventId);
    expect(server.parentSpanId).toBeUndefined();
    expect(spans.filter((span) => span.kind === SPAN_KIND.producer)).toHaveLength(2);
    await expectRecordsPointAtProducers(event, spans);
  });

  it('gives a request with a wrong signature a SERVER span with its 401 and no producer span', async () => {
    const callerTrace = hex(16);
    const event = documentUploaded();
    const request = signed(event, 'not-the-secret');
    const response = await fetch(`${bridge.bridge.url}/webhooks/popp`, {
      method: 'POST',
      headers: { ...request.headers, traceparent: `00-${callerTrace}-${hex(8)}-01` },
      body: request.payload,
    });
    expect(response.status).toBe(401);
    await eventually(() => inTrace(receiver, callerTrace).some((span) => span.kind === SPAN_KIND.server), 30_000);
    const spans = inTrace(receiver, callerTrace);
    const server = spans.find((span) => span.kind === SPAN_KIND.server) as ReceivedSpan;
    expect(server.attributes).toMatchObject({ 'http.response.status_code': 401, 'popp.webhook.outcome': 'invalid_signature' });
    // A client's error, not the server's (HTTP conventions): the span's status stays unset.
    expect(server.status.code).toBe(0);
    expect(spans.map((span) => span.name)).toEqual(expect.arrayContaining(['verify']));
    expect(spans.filter((span) => span.kind === SPAN_KIND.producer)).toEqual([]);
  });

  it('traces a dead letter with its reason as a producer span to the dead-letter topic', async () => {
    const callerTrace = hex(16);
    const request = signed({ event: 'DOCUMENT_UPLOADED', eventId: `evt_${hex(4)}` });
    const response = await fetch(`${bridge.bridge.url}/webhooks/popp`, {
      method: 'POST',
      headers: { ...request.headers, traceparent: `00-${callerTrace}-${hex(8)}-01` },
      body: request.payload,
    });
    expect(response.status).toBe(202);
    await eventually(() => inTrace(receiver, callerTrace).some((span) => span.kind === SPAN_KIND.producer), 30_000);
    const spans = inTrace(receiver, callerTrace);
    const producer = spans.find((span) => span.kind === SPAN_KIND.producer) as ReceivedSpan;
    expect(producer.name).toBe(`send ${bridge.topics.deadLetter}`);
    expect(producer.attributes).toMatchObject({ 'popp.outcome': 'dead-lettered', 'popp.dead_letter.reason': 'invalid-envelope' });
    await eventually(() => inTrace(receiver, callerTrace).some((span) => span.kind === SPAN_KIND.server), 30_000);
    const server = inTrace(receiver, callerTrace).find((span) => span.kind === SPAN_KIND.server) as ReceivedSpan;
    expect(server.attributes).toMatchObject({ 'http.response.status_code': 202, 'popp.webhook.outcome': 'dead-lettered' });
  });

  it('runs a consumer SDK handler inside a span of the same trace, a child of the record producer span', async () => {
    const exporter =
      protocol === 'http/json'
        ? new JsonExporter({ url: `${receiver.url}/v1/traces` })
        : new ProtoExporter({ url: `${receiver.url}/v1/traces` });
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'downstream' }),
      sampler: new AlwaysOnSampler(),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const contextManager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(contextManager);
    const seen: { traceId: string; spanId: string }[] = [];
    const event = documentUploaded();
    const consumer = await startTestConsumer(brokers, bridge.prefix, {
      groupId: uniqueGroup('traced'),
      tracer: provider.getTracer('downstream'),
      handlers: {
        DOCUMENT_UPLOADED: async (consumed) => {
          const active = trace.getActiveSpan()?.spanContext();
          if (consumed.eventId === event.eventId && active) seen.push({ traceId: active.traceId, spanId: active.spanId });
        },
      },
    });
    try {
      expect((await bridge.post(event)).status).toBe(200);
      await eventually(() => seen.length > 0, 30_000);
      await provider.forceFlush();
      const { server, spans } = await exported(event.eventId);
      await eventually(() => inTrace(receiver, server.traceId).some((span) => span.kind === SPAN_KIND.consumer), 30_000);
      const processed = inTrace(receiver, server.traceId).find((span) => span.kind === SPAN_KIND.consumer) as ReceivedSpan;
      const typeTopic = `${bridge.prefix}document.uploaded`;
      const producer = spans.find((span) => span.name === `send ${typeTopic}`) as ReceivedSpan;
      expect(processed.name).toBe(`process ${typeTopic}`);
      expect(processed.parentSpanId).toBe(producer.spanId);
      expect(processed.service).toBe('downstream');
      expect(processed.attributes).toMatchObject({
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.message.id': event.eventId,
        'popp.outcome': 'handled',
        'popp.attempt': 1,
      });
      expect(seen[0]).toEqual({ traceId: server.traceId, spanId: processed.spanId });
    } finally {
      await consumer.stop();
      await provider.shutdown();
      context.disable();
    }
  });

  it('exports the OpenTelemetry metrics beside the spans when the bridge closes', async () => {
    await bridge.close();
    await eventually(() => receiver.metrics.some((metric) => metric.name === 'messaging.client.sent.messages'), 30_000);
    const sent = receiver.metrics.filter((metric) => metric.name === 'messaging.client.sent.messages').flatMap((metric) => metric.points);
    expect(sent.reduce((sum, point) => sum + point.value, 0)).toBeGreaterThanOrEqual(6);
    expect(receiver.metrics.map((metric) => metric.name)).toEqual(
      expect.arrayContaining(['messaging.client.operation.duration', 'popp.webhook.requests']),
    );
    const outcomes = receiver.metrics.filter((metric) => metric.name === 'popp.webhook.requests').flatMap((metric) => metric.points);
    expect(outcomes.map((point) => point.attributes['popp.webhook.outcome'])).toEqual(
      expect.arrayContaining(['published', 'invalid_signature']),
    );
  });
});

describe('a consumer SDK handler that keeps failing', () => {
  let receiver: OtlpReceiver;
  let bridge: TestBridge;
  beforeAll(async () => {
    receiver = await startOtlpReceiver(47013);
    bridge = await startTestBridge(brokers, uniquePrefix('tracing-retry'), { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
  });
  afterAll(async () => {
    await bridge?.close();
    await receiver?.close();
  });

  it('shows each try as a process span with its attempt and error.type, then the group dead letter in the same trace', async () => {
    const provider = new BasicTracerProvider({
      sampler: new AlwaysOnSampler(),
      spanProcessors: [new SimpleSpanProcessor(new ProtoExporter({ url: `${receiver.url}/v1/traces` }))],
    });
    const event = documentUploaded();
    const consumer = await startTestConsumer(brokers, bridge.prefix, {
      groupId: uniqueGroup('traced-failing'),
      tracer: provider.getTracer('downstream'),
      handlers: {
        DOCUMENT_UPLOADED: async () => {
          throw new RangeError('the handler cannot take it');
        },
      },
    });
    try {
      expect((await bridge.post(event)).status).toBe(200);
      await eventually(() => consumer.stats().deadLettered === 1, 30_000);
      await provider.forceFlush();
      const server = await (async () => {
        await eventually(() => serverSpanOf(receiver, event.eventId) !== undefined, 30_000);
        return serverSpanOf(receiver, event.eventId) as ReceivedSpan;
      })();
      const spans = inTrace(receiver, server.traceId);
      const tries = spans.filter((span) => span.kind === SPAN_KIND.consumer);
      expect(tries.map((span) => span.attributes['popp.attempt']).sort()).toEqual([1, 2, 3]);
      for (const span of tries) {
        expect(span.attributes).toMatchObject({ 'popp.outcome': 'failed', 'error.type': 'RangeError' });
        expect(span.status.code).toBe(2);
      }
      const deadLetterTopic = consumer.deadLetterTopic;
      const deadLetter = spans.find((span) => span.kind === SPAN_KIND.producer && span.name === `send ${deadLetterTopic}`) as ReceivedSpan;
      expect(deadLetter.attributes).toMatchObject({
        'popp.outcome': 'dead-lettered',
        'popp.dead_letter.reason': 'handler-failed',
        'messaging.message.id': event.eventId,
      });
      const [record] = await readRecords(brokers, [deadLetterTopic], 1);
      expect(record?.headers.traceparent).toBe(`00-${server.traceId}-${deadLetter.spanId}-01`);
    } finally {
      await consumer.stop();
      await provider.shutdown();
    }
  });
});

describe('without tracing', () => {
  const run = promisify(execFile);
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver(47012);
  });
  afterAll(() => receiver?.close());

  async function bridgeProcess(env: Record<string, string>): Promise<{ status: number; loaded: string[] }> {
    const full = { POPP_WEBHOOK_SECRET: SECRET, TOPIC_PREFIX: uniquePrefix('untraced'), ...env };
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'test/support/otel-loaded.ts', brokers.join(','), JSON.stringify(full)],
      {
        cwd: projectRoot,
        timeout: 120_000,
      },
    );
    return JSON.parse(stdout.trim().split('\n').at(-1) as string);
  }

  // prom-client brings @opentelemetry/api on its own: only the SDK and exporters count.
  const sdkPackages = (loaded: string[]) => loaded.filter((name) => name !== '@opentelemetry/api');

  it('loads no OpenTelemetry SDK and sends nothing with no endpoint or with OTEL_SDK_DISABLED=true', async () => {
    const noEndpoint = await bridgeProcess({});
    const disabled = await bridgeProcess({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SDK_DISABLED: 'true' });
    expect(noEndpoint).toEqual({ status: 200, loaded: expect.any(Array) });
    expect(sdkPackages(noEndpoint.loaded)).toEqual([]);
    expect(disabled.status).toBe(200);
    expect(sdkPackages(disabled.loaded)).toEqual([]);
    expect(receiver.requests).toEqual([]);
  });

  it('loads the SDK and exports in the same process once an endpoint is set', async () => {
    const traced = await bridgeProcess({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    expect(traced.status).toBe(200);
    expect(sdkPackages(traced.loaded)).toEqual(
      expect.arrayContaining(['@opentelemetry/sdk-trace-base', '@opentelemetry/exporter-trace-otlp-proto']),
    );
    expect(receiver.spans.some((span) => span.kind === SPAN_KIND.server)).toBe(true);
  });
});
