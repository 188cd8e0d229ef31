import type { Attributes, Context, Span, Tracer } from '@opentelemetry/api';
import type { EventType } from '../../generated/events.js';
import { DEAD_LETTER_HEADER, HEADER } from '../contract/headers.js';
import type { OutgoingRecord } from '../contract/record.js';
import type { IncomingRecord } from './decode.js';
import type { ConsumedEvent, Handler } from './types.js';

/** The consumer's spans (docs/guides/observability.md); absent when tracing is off. */
export interface ConsumerTracing {
  /** The handler, each call of it run inside a CONSUMER span `process <topic>` continuing the record's trace. */
  handler(handler: Handler<EventType>, record: IncomingRecord): Handler<EventType>;
  /** Sends a group dead letter under a PRODUCER span in the record's trace; the dead letter carries that span's traceparent. */
  deadLetter(record: OutgoingRecord, send: (record: OutgoingRecord) => Promise<void>): Promise<void>;
}

type Api = typeof import('@opentelemetry/api');

/**
 * The tracer of the `tracer` option; without one, @opentelemetry/api's global
 * tracer when the package can be loaded (used only when the service registered
 * a provider before `start()`); `false`: no tracing. The SDK needs only the API package, never
 * an OpenTelemetry SDK: the service brings its own.
 */
export async function loadTracing(option: Tracer | false | undefined, groupId: string): Promise<ConsumerTracing | undefined> {
  if (option === false) return undefined;
  let api: Api;
  try {
    api = await import('@opentelemetry/api');
  } catch {
    return undefined;
  }
  const tracer = option ?? api.trace.getTracer('popp-bridge-consumer');
  // No provider registered (before start): the global tracer makes only invalid no-op spans, so skip the per-event cost.
  const probe = tracer.startSpan('probe');
  probe.end();
  if (!option && !api.isSpanContextValid(probe.spanContext())) return undefined;
  return createConsumerTracing(api, tracer, groupId);
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

function createConsumerTracing(api: Api, tracer: Tracer, groupId: string): ConsumerTracing {
  /** The context of the record's `traceparent` (the bridge's producer span), else none: a new trace. */
  function parentOf(headers: Readonly<Record<string, string>>): Context {
    const match = TRACEPARENT.exec(headers[HEADER.traceparent] ?? '');
    if (!match || /^0+$/.test(match[1] as string) || /^0+$/.test(match[2] as string)) return api.ROOT_CONTEXT;
    return api.trace.setSpanContext(api.ROOT_CONTEXT, {
      traceId: match[1] as string,
      spanId: match[2] as string,
      traceFlags: Number.parseInt(match[3] as string, 16) & 1,
      isRemote: true,
    });
  }

  function failed(span: Span, error: unknown): void {
    span.setAttribute('popp.outcome', 'failed');
    span.setAttribute('error.type', error instanceof Error ? error.name : '_OTHER');
    span.setStatus({ code: api.SpanStatusCode.ERROR });
    span.end();
  }

  return {
    handler(handler, record) {
      return (event: ConsumedEvent, context) => {
        const parent = parentOf(record.headers);
        const attributes: Attributes = {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.operation.name': 'process',
          'messaging.destination.name': record.topic,
          'messaging.destination.partition.id': String(record.partition),
          'messaging.kafka.offset': Number(record.offset),
          'messaging.consumer.group.name': groupId,
          'messaging.message.id': event.eventId,
          'popp.event.type': event.type,
          'popp.attempt': context.attempt,
        };
        const span = tracer.startSpan(`process ${record.topic}`, { kind: api.SpanKind.CONSUMER, attributes }, parent);
        return api.context.with(api.trace.setSpan(parent, span), () => {
          let result: void | Promise<void>;
          try {
            result = handler(event, context);
          } catch (error) {
            failed(span, error);
            throw error;
          }
          const handled = () => {
            span.setAttribute('popp.outcome', 'handled');
            span.end();
          };
          if (!result) return handled();
          return result.then(handled, (error: unknown) => {
            failed(span, error);
            throw error;
          });
        });
      };
    },
    async deadLetter(record, send) {
      const attributes: Attributes = {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.operation.name': 'send',
        'messaging.destination.name': record.topic,
        'messaging.consumer.group.name': groupId,
        'popp.outcome': 'dead-lettered',
      };
      const eventId = record.headers[HEADER.eventId];
      if (eventId !== undefined) attributes['messaging.message.id'] = eventId;
      const reason = record.headers[DEAD_LETTER_HEADER.reason];
      if (reason !== undefined) attributes['popp.dead_letter.reason'] = reason;
      const span = tracer.startSpan(`send ${record.topic}`, { kind: api.SpanKind.PRODUCER, attributes }, parentOf(record.headers));
      const { traceId, spanId, traceFlags } = span.spanContext();
      const traceparent = `00-${traceId}-${spanId}-${traceFlags & 1 ? '01' : '00'}`;
      try {
        await send({ ...record, headers: { ...record.headers, [HEADER.traceparent]: traceparent } });
      } catch (error) {
        failed(span, error);
        throw error;
      }
      span.end();
    },
  };
}
