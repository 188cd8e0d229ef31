import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import protobuf from 'protobufjs';
import { OTLP_PROTO } from './otlp-proto.js';

/** A span as the receiver got it, the same from either encoding: ids in hex, attributes flattened. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, unknown>;
  status: { code: number; message?: string };
  service: unknown;
}

export interface ReceivedMetric {
  name: string;
  points: { value: number; attributes: Record<string, unknown> }[];
}

export interface OtlpReceiver {
  url: string;
  spans: ReceivedSpan[];
  metrics: ReceivedMetric[];
  /** Every export request: its path and content type. */
  requests: { path: string; contentType: string }[];
  close(): Promise<void>;
}

export const SPAN_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

const root = protobuf.parse(OTLP_PROTO).root;
const TraceRequest = root.lookupType('otlp.ExportTraceServiceRequest');
const MetricsRequest = root.lookupType('otlp.ExportMetricsServiceRequest');

/**
 * A real OTLP/HTTP receiver (node:http) for tests: takes `/v1/traces` and
 * `/v1/metrics` in http/protobuf and http/json, keeps what it decoded, and
 * answers as a collector does (200 with an empty response).
 */
export async function startOtlpReceiver(port = 0): Promise<OtlpReceiver> {
  const receiver: Omit<OtlpReceiver, 'url' | 'close'> = { spans: [], metrics: [], requests: [] };
  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    const contentType = request.headers['content-type'] ?? '';
    const path = request.url ?? '';
    receiver.requests.push({ path, contentType });
    const json = contentType.startsWith('application/json');
    try {
      if (path === '/v1/traces') receiver.spans.push(...spansOf(json ? JSON.parse(body.toString('utf8')) : decode(TraceRequest, body)));
      else if (path === '/v1/metrics')
        receiver.metrics.push(...metricsOf(json ? JSON.parse(body.toString('utf8')) : decode(MetricsRequest, body)));
      else {
        response.writeHead(404).end();
        return;
      }
    } catch (error) {
      response.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
      return;
    }
    response.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : '');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    ...receiver,
    url: `http://127.0.0.1:${bound}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Protobuf into the shape of OTLP/JSON: camelCase names, 64-bit numbers as numbers, bytes in hex (as JSON has them). */
function decode(type: protobuf.Type, body: Buffer): Json {
  const object = type.toObject(type.decode(body), { longs: Number, bytes: String, defaults: false });
  return hexIds(object) as Json;
}

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

function hexIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hexIds);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      ID_FIELDS.has(key) && typeof inner === 'string' ? Buffer.from(inner, 'base64').toString('hex') : hexIds(inner),
    ]),
  );
}

// biome-ignore lint/suspicious/noExplicitAny: the decoded OTLP document, read field by field below
type Json = any;

function spansOf(document: Json): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of document.resourceSpans ?? []) {
    const service = attributesOf(resourceSpans.resource?.attributes)['service.name'];
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        spans.push({
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ? span.parentSpanId : undefined,
          name: span.name,
          kind: Number(span.kind ?? 0),
          attributes: attributesOf(span.attributes),
          status: { code: Number(span.status?.code ?? 0), ...(span.status?.message && { message: span.status.message }) },
          service,
        });
      }
    }
  }
  return spans;
}

function metricsOf(document: Json): ReceivedMetric[] {
  const metrics: ReceivedMetric[] = [];
  for (const resourceMetrics of document.resourceMetrics ?? []) {
    for (const scopeMetrics of resourceMetrics.scopeMetrics ?? []) {
      for (const metric of scopeMetrics.metrics ?? []) {
        const points = (metric.sum ?? metric.gauge ?? metric.histogram)?.dataPoints ?? [];
        metrics.push({
          name: metric.name,
          points: points.map((point: Json) => ({
            value: Number(metric.histogram ? point.count : (point.asInt ?? point.asDouble ?? 0)),
            attributes: attributesOf(point.attributes),
          })),
        });
      }
    }
  }
  return metrics;
}

function attributesOf(list: Json): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) attributes[key] = anyValue(value);
  return attributes;
}

function anyValue(value: Json): unknown {
  if (!value) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return Number(value.doubleValue);
  if ('boolValue' in value) return value.boolValue;
  if ('arrayValue' in value) return (value.arrayValue.values ?? []).map(anyValue);
  return undefined;
}
