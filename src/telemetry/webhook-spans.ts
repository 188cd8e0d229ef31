import {
  type Attributes,
  type Context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  type Meter,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { HEADER } from '../contract/headers.js';
import type { OutgoingRecord } from '../contract/record.js';
import { NO_TRACE, type Telemetry, type WebhookTrace } from './telemetry.js';

const propagator = new W3CTraceContextPropagator();

interface RequestState {
  span: Span;
  context: Context;
  trace: WebhookTrace;
  outcome?: string;
  errorType?: string;
}

/**
 * The spans of docs/guides/observability.md, by the HTTP and messaging
 * semantic conventions: a SERVER span per webhook request, an INTERNAL span
 * per pipeline step, a PRODUCER span per record. Attributes hold ids, names,
 * sizes and outcomes only: never a body, a header value or a secret.
 */
export function createWebhookTelemetry(tracer: Tracer, meter: Meter | undefined): Omit<Telemetry, 'shutdown'> {
  const requests = new WeakMap<object, RequestState>();
  const partitions = new WeakMap<object, number>();
  const sent = meter?.createCounter('messaging.client.sent.messages', { unit: '{message}', description: 'Records sent to Kafka' });
  const duration = meter?.createHistogram('messaging.client.operation.duration', {
    unit: 's',
    description: 'Time until Kafka acknowledged a record (or it was spooled)',
    advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] },
  });
  const outcomes = meter?.createCounter('popp.webhook.requests', { unit: '{request}', description: 'Webhook requests by outcome' });

  function traceOf(state: RequestState): WebhookTrace {
    return {
      step(name, run) {
        const span = tracer.startSpan(name, { kind: SpanKind.INTERNAL }, state.context);
        let result: ReturnType<typeof run>;
        try {
          result = run();
        } catch (error) {
          fail(span, error);
          span.end();
          throw error;
        }
        if (!isPromise(result)) {
          span.end();
          return result;
        }
        return result.then(
          (value) => {
            span.end();
            return value;
          },
          (error: unknown) => {
            fail(span, error);
            span.end();
            throw error;
          },
        ) as typeof result;
      },
      async deliver(records, send, deadLetter) {
        const spans = records.map((record) => producerSpan(record, state.context, deadLetter));
        // Each record its own headers: the type-topic and log records must not share one traceparent.
        const traced = records.map((record, i) => {
          const headers = { ...record.headers };
          propagator.inject(trace.setSpan(ROOT_CONTEXT, spans[i] as Span), headers, defaultTextMapSetter);
          return { ...record, headers };
        });
        const started = performance.now();
        try {
          const delivered = await send(traced);
          settle(traced, spans, started, deadLetter ? 'dead-lettered' : delivered);
          return delivered;
        } catch (error) {
          settle(traced, spans, started, 'failed', error);
          throw error;
        }
      },
      outcome(outcome, detail) {
        state.outcome = outcome;
        if (detail?.type !== undefined) state.span.setAttribute('popp.event.type', detail.type);
        if (detail?.id !== undefined) state.span.setAttribute('popp.event.id', detail.id);
        if (detail?.error !== undefined) state.errorType = detail.error;
        state.span.setAttribute('popp.webhook.outcome', outcome);
      },
    };
  }

  function producerSpan(record: OutgoingRecord, parent: Context, deadLetter: string | undefined): Span {
    const attributes: Attributes = {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.destination.name': record.topic,
      'messaging.message.body.size': record.value.length,
    };
    const eventId = record.headers[HEADER.eventId];
    if (eventId !== undefined) attributes['messaging.message.id'] = eventId;
    if (record.key !== null) attributes['messaging.kafka.message.key'] = record.key;
    const type = record.headers[HEADER.eventType];
    if (type !== undefined) attributes['popp.event.type'] = type;
    if (deadLetter !== undefined) attributes['popp.dead_letter.reason'] = deadLetter;
    return tracer.startSpan(`send ${record.topic}`, { kind: SpanKind.PRODUCER, attributes }, parent);
  }

  function settle(records: readonly OutgoingRecord[], spans: Span[], started: number, outcome: string, error?: unknown): void {
    const seconds = (performance.now() - started) / 1000;
    records.forEach((record, i) => {
      const span = spans[i] as Span;
      span.setAttribute('popp.outcome', outcome);
      const partition = partitions.get(record.headers);
      if (partition !== undefined) span.setAttribute('messaging.destination.partition.id', String(partition));
      if (error !== undefined) fail(span, error);
      span.end();
      const attributes: Attributes = {
        'messaging.system': 'kafka',
        'messaging.operation.name': 'send',
        'messaging.destination.name': record.topic,
      };
      if (error !== undefined) attributes['error.type'] = errorType(error);
      sent?.add(1, attributes);
      duration?.record(seconds, { ...attributes, 'messaging.operation.type': 'send' });
    });
  }

  return {
    enabled: true,
    begin(request, headers, method, route) {
      const parent = propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
      const span = tracer.startSpan(
        `${method} ${route}`,
        {
          kind: SpanKind.SERVER,
          attributes: { 'http.request.method': method, 'http.route': route, 'url.path': route, 'url.scheme': 'http' },
        },
        parent,
      );
      const state: RequestState = { span, context: trace.setSpan(parent, span), trace: NO_TRACE };
      state.trace = traceOf(state);
      requests.set(request, state);
    },
    trace(request) {
      return requests.get(request)?.trace ?? NO_TRACE;
    },
    end(request, statusCode) {
      const state = requests.get(request);
      if (!state) return;
      requests.delete(request);
      const { span } = state;
      span.setAttribute('http.response.status_code', statusCode);
      // HTTP conventions: on a server span only a 5xx is an error; a 4xx is the client's.
      if (statusCode >= 500) {
        span.setAttribute('error.type', state.errorType ?? String(statusCode));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
      outcomes?.add(1, { 'popp.webhook.outcome': state.outcome ?? 'error', 'http.response.status_code': statusCode });
    },
    partitionChosen(headers, partition) {
      partitions.set(headers, partition);
    },
  };
}

function fail(span: Span, error: unknown): void {
  span.setAttribute('error.type', errorType(error));
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/** The bridge's error code (kafka_unavailable, publish_timeout…), else the error's class: low-cardinality, no message text. */
function errorType(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[a-z_]{1,64}$/.test(code)) return code;
  return error instanceof Error ? error.name : '_OTHER';
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
