/**
 * The one catalogue of errors the bridge answers with. Each code has its HTTP
 * status, whether a retry of the same request may succeed, and a message that
 * never carries a payload or a secret.
 */
export const ERRORS = {
  invalid_signature: { status: 401, retriable: false, message: 'signature missing or wrong' },
  unsupported_media_type: { status: 415, retriable: false, message: 'Content-Type must be application/json' },
  payload_too_large: { status: 413, retriable: false, message: 'body is larger than MAX_BODY_BYTES' },
  not_found: { status: 404, retriable: false, message: 'no such route' },
  bad_request: { status: 400, retriable: false, message: 'the request could not be read' },
  console_unauthorized: { status: 401, retriable: false, message: 'console token missing or wrong' },
  console_throttled: { status: 429, retriable: false, message: 'too many wrong tokens from this client: wait, then try again' },
  cross_site_request: { status: 403, retriable: false, message: 'cross-site requests are refused' },
  metrics_unauthorized: { status: 401, retriable: false, message: 'metrics need the console token as a bearer token' },
  replay_running: { status: 409, retriable: false, message: 'a replay is already running' },
  publish_timeout: { status: 503, retriable: true, message: 'Kafka did not acknowledge in time' },
  kafka_unavailable: { status: 503, retriable: true, message: 'Kafka is unavailable' },
  overloaded: { status: 503, retriable: true, message: 'too many requests in flight' },
  shutting_down: { status: 503, retriable: true, message: 'the bridge is shutting down' },
  spool_full: { status: 503, retriable: true, message: 'Kafka is unavailable and the local spool is full (SPOOL_MAX_BYTES)' },
  spool_unavailable: { status: 503, retriable: true, message: 'Kafka is unavailable and the local spool could not be written' },
  internal: { status: 500, retriable: true, message: 'internal error' },
} as const satisfies Record<string, { status: number; retriable: boolean; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** The exit code of a configuration the bridge cannot run with (sysexits' EX_CONFIG): a bad variable, or one Kafka refused. */
export const EXIT_CONFIG = 78;

/** Seconds a client should wait before retrying a retriable (503) answer. */
export const RETRY_AFTER_SECONDS = 5;

export class BridgeError extends Error {
  override name = 'BridgeError';
  readonly status: number;
  readonly retriable: boolean;

  constructor(
    readonly code: ErrorCode,
    options?: { cause?: unknown; message?: string },
  ) {
    super(options?.message ?? ERRORS[code].message, { cause: options?.cause });
    this.status = ERRORS[code].status;
    this.retriable = ERRORS[code].retriable;
  }
}

/**
 * Kafka refused a record in a way that no retry of the same event can change
 * (see `src/kafka/refusals.ts`). The route dead-letters the event instead of
 * answering 503, which Popp would retry for ever.
 */
export class KafkaRefusedError extends Error {
  override name = 'KafkaRefusedError';
  constructor(
    /** Kafka's error name, e.g. MESSAGE_TOO_LARGE. */
    readonly kafkaError: string,
    options?: { cause?: unknown },
  ) {
    super(`Kafka refused the record: ${kafkaError}`, options);
  }
}

/** The schema registry gave an answer that waiting will not change (incompatible schema, other level, bad credentials). */
export class RegistryRefusedError extends Error {
  override name = 'RegistryRefusedError';
}

export function isBridgeError(error: unknown): error is BridgeError {
  return error instanceof BridgeError;
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
};

/** Any thrown value → an entry of the catalogue; unknown errors become `internal` and keep their cause. */
export function toBridgeError(error: unknown): BridgeError {
  if (error instanceof BridgeError) return error;
  // Only reaches here when even the dead letter was refused: an operator must fix the topic, then Popp's retry lands.
  if (error instanceof KafkaRefusedError) return new BridgeError('kafka_unavailable', { cause: error });
  const { code, statusCode } = (error ?? {}) as { code?: string; statusCode?: number };
  const mapped = code ? FASTIFY_CODES[code] : undefined;
  if (mapped) return new BridgeError(mapped, { cause: error });
  if (statusCode === 413) return new BridgeError('payload_too_large', { cause: error });
  if (statusCode === 415) return new BridgeError('unsupported_media_type', { cause: error });
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) return new BridgeError('bad_request', { cause: error });
  return new BridgeError('internal', { cause: error });
}

/**
 * Kafka refused the bridge itself: credentials, a certificate, a SASL
 * mechanism. Waiting will not change it, so start-up ends with this one line,
 * which begins with the setting to check (see `src/kafka/setup-errors.ts`).
 */
export class KafkaSetupError extends Error {
  override name = 'KafkaSetupError';
  constructor(
    /** The variable to check first, e.g. KAFKA_SASL_PASSWORD. */
    readonly setting: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${setting}: ${message}`, options);
  }
}
