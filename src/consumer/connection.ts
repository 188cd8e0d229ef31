import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';

/**
 * Where a consumer finds Kafka, written by hand: `{ brokers: ['kafka:9092'] }`
 * is enough for a plain local cluster. Everything else is optional and off by
 * default. The shapes are kafkajs' own (its `ssl` and `sasl` settings), so a
 * connection that works with kafkajs works here as it is.
 */
export interface KafkaConnection {
  /** `host:port` of one or more brokers; the rest of the cluster is found from them. */
  brokers: string[];
  /** Default `popp-consumer-<groupId>`: how the brokers' logs and quotas name this client. */
  clientId?: string | undefined;
  /** `true` for TLS with the system's trusted CAs, or Node's TLS options (a private CA, a client certificate for mTLS). */
  ssl?: boolean | ConnectionOptions | undefined;
  /** SASL as kafkajs takes it: `{ mechanism: 'scram-sha-512', username, password }`, `plain`, `oauthbearer`, `aws`. */
  sasl?: SASLOptions | undefined;
  /**
   * The bridge's faster record and produce-request encoders, for this
   * process's kafkajs (they replace kafkajs' own modules, so every kafkajs
   * producer of the process gets them). Off by default: a service's own
   * producers stay as kafkajs ships them unless it asks. The SDK produces
   * only dead letters, so it gains little from them.
   */
  fastEncoders?: boolean | undefined;
}
