import type { Meter, Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import type { Telemetry, TelemetrySettings } from './telemetry.js';
import { createWebhookTelemetry } from './webhook-spans.js';

/**
 * The trace and metric SDKs with OTLP/HTTP exporters, made from the settings
 * (loaded only through openTelemetry). Nothing is registered globally: the
 * bridge hands its tracer and meter to its own parts, and passes each span's
 * context explicitly, so no context manager (async hooks) runs per request.
 */
export async function createOtelTelemetry(settings: TelemetrySettings, serviceVersion: string): Promise<Telemetry> {
  const resource = resourceFromAttributes({
    ...settings.resourceAttributes,
    'service.name': settings.serviceName,
    'service.version': serviceVersion,
  });
  const tracerProvider = new BasicTracerProvider({
    resource,
    sampler: samplerOf(settings),
    spanProcessors: [new BatchSpanProcessor(await spanExporter(settings))],
  });
  const tracer: Tracer = tracerProvider.getTracer('popp-bridge', serviceVersion);
  const meterProvider = settings.metricsUrl
    ? new MeterProvider({
        resource,
        readers: [
          new PeriodicExportingMetricReader({
            exporter: await metricExporter(settings, settings.metricsUrl),
            exportIntervalMillis: settings.metricIntervalMs,
            exportTimeoutMillis: Math.min(30_000, settings.metricIntervalMs),
          }),
        ],
      })
    : undefined;
  const meter: Meter | undefined = meterProvider?.getMeter('popp-bridge', serviceVersion);
  const telemetry = createWebhookTelemetry(tracer, meter);
  return {
    ...telemetry,
    async shutdown() {
      // Both flush what they hold before they stop.
      await Promise.allSettled([tracerProvider.shutdown(), meterProvider?.shutdown()]);
    },
  };
}

function samplerOf(settings: TelemetrySettings): Sampler {
  const ratio = new TraceIdRatioBasedSampler(settings.samplerRatio);
  switch (settings.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

async function spanExporter(settings: TelemetrySettings): Promise<SpanExporter> {
  const options = { url: settings.tracesUrl, headers: settings.headers };
  if (settings.protocol === 'http/json') return new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter(options);
  return new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter(options);
}

async function metricExporter(settings: TelemetrySettings, url: string): Promise<PushMetricExporter> {
  const options = { url, headers: settings.headers };
  if (settings.protocol === 'http/json') return new (await import('@opentelemetry/exporter-metrics-otlp-http')).OTLPMetricExporter(options);
  return new (await import('@opentelemetry/exporter-metrics-otlp-proto')).OTLPMetricExporter(options);
}
