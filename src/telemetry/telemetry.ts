import type { OutgoingRecord } from '../contract/record.js';

/**
 * What the bridge asks of tracing (docs/guides/observability.md). The
 * pipeline sees only this: with tracing off it gets NO_TELEMETRY, whose
 * methods run the work and nothing else, and nothing of OpenTelemetry is loaded.
 */
export interface Telemetry {
  readonly enabled: boolean;
  /** Starts the SERVER span of a webhook request, continuing its `traceparent` when it has a valid one. */
  begin(request: object, headers: RequestHeaders, method: string, route: string): void;
  /** The trace of a request that `begin` saw; NO_TRACE for any other. */
  trace(request: object): WebhookTrace;
  /** Ends the request's SERVER span with its status code. */
  end(request: object, statusCode: number): void;
  /** Kafka's partition for a record, told by the partitioner, keyed by the record's own headers object. */
  partitionChosen(headers: object, partition: number): void;
  /** Exports what is left and stops. */
  shutdown(): Promise<void>;
}

export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

export type Delivered = 'published' | 'spooled';

/** One webhook request's trace: the pipeline's steps and the records it writes. */
export interface WebhookTrace {
  /** Runs one step of the pipeline (verify, validate, dedupe…) as a child span, ended when its result settles. */
  step<T>(name: string, run: () => T): T;
  /**
   * Sends records under one PRODUCER span each (`send <topic>`): every record
   * gets headers of its own carrying its span's `traceparent`. `deadLetter`
   * names the reason of a dead letter.
   */
  deliver(
    records: readonly OutgoingRecord[],
    send: (records: readonly OutgoingRecord[]) => Promise<Delivered>,
    deadLetter?: string,
  ): Promise<Delivered>;
  /** The request's outcome (`published`, `duplicate`, `invalid_signature`…), once read the event's type and id, and a failure's code. */
  outcome(outcome: string, detail?: { type?: string | undefined; id?: string | undefined; error?: string }): void;
}

export const NO_TRACE: WebhookTrace = {
  step: (_name, run) => run(),
  deliver: (records, send) => send(records),
  outcome: () => {},
};

export const NO_TELEMETRY: Telemetry = {
  enabled: false,
  begin: () => {},
  trace: () => NO_TRACE,
  end: () => {},
  partitionChosen: () => {},
  shutdown: async () => {},
};

/** What `loadConfig` reads of the OTEL_* variables (`config.telemetry`). */
export interface TelemetrySettings {
  tracesUrl: string;
  metricsUrl: string | undefined;
  metricIntervalMs: number;
  protocol: 'http/protobuf' | 'http/json';
  headers: Record<string, string>;
  serviceName: string;
  resourceAttributes: Record<string, string>;
  sampler: 'always_on' | 'always_off' | 'traceidratio' | 'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio';
  samplerRatio: number;
}
