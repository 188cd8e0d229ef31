import { Kafka, type KafkaConfig, type LogEntry, logLevel } from 'kafkajs';

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  ssl: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string } | undefined;
  /** Our own deadline per send; kafkajs' timeouts are kept below it. */
  publishTimeoutMs: number;
  log?: (level: 'error' | 'warn' | 'info' | 'debug', message: string, extra: Record<string, unknown>) => void;
}

/**
 * kafkajs with short connection and request timeouts and few retries: its
 * defaults turn a dead broker into 30-second hangs (DESIGN section 10), and
 * an outage must become quick 503s instead.
 */
export function createKafka(options: KafkaClientOptions): Kafka {
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: options.brokers,
    ssl: options.ssl,
    connectionTimeout: Math.min(3_000, options.publishTimeoutMs),
    requestTimeout: Math.min(30_000, Math.max(1_000, options.publishTimeoutMs)),
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      const { message, ...extra } = entry.log;
      options.log?.(levelName(entry.level), `kafkajs ${entry.namespace}: ${message}`, redact(extra));
    },
  };
  if (options.sasl) config.sasl = { ...options.sasl } as KafkaConfig['sasl'];
  return new Kafka(config);
}

function levelName(level: logLevel): 'error' | 'warn' | 'info' | 'debug' {
  if (level === logLevel.ERROR) return 'error';
  if (level === logLevel.WARN) return 'warn';
  if (level === logLevel.INFO) return 'info';
  return 'debug';
}

/** kafkajs log entries are metadata (broker, topic, error); drop anything that could hold a message or credential. */
function redact(extra: Record<string, unknown>): Record<string, unknown> {
  const { sasl: _sasl, messages: _messages, timestamp: _timestamp, logger: _logger, ...rest } = extra;
  return rest;
}
