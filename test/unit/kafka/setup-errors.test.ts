import {
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSSASLAuthenticationError,
} from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KafkaSetupError } from '../../../src/errors.js';
import { isKafkaUnreachable, kafkaSetupError, kafkaWaitHint } from '../../../src/kafka/setup-errors.js';

// kafkajs' typings declare these constructors without arguments; its code takes a message (or a broker error).
const saslError = (message: string) => new (KafkaJSSASLAuthenticationError as unknown as new (m: string) => Error)(message);
const nonRetriable = (message: string) => new (KafkaJSNonRetriableError as unknown as new (m: string) => Error)(message);
const protocolError = (e: object) => new (KafkaJSProtocolError as unknown as new (e: object) => Error)(e);
const tlsFailure = (code: string, message = 'tls') =>
  new KafkaJSConnectionError(`Connection error: ${message}`, { broker: 'k:9093', code });
const retried = (error: Error) => new KafkaJSNumberOfRetriesExceeded(error, { retryCount: 2, retryTime: 1000 });

describe('Kafka refusals of the settings', () => {
  it('name the password when the broker refuses the credentials, even behind kafkajs retries', () => {
    const error = kafkaSetupError(
      retried(saslError('SASL SCRAM SHA512 authentication failed: Authentication failed during authentication')),
    );
    expect(error).toBeInstanceOf(KafkaSetupError);
    expect(error?.setting).toBe('KAFKA_SASL_PASSWORD');
    expect(error?.message).toMatch(/^KAFKA_SASL_PASSWORD: the broker refused the credentials \(SASL SCRAM SHA512 authentication failed/);
  });

  it('name the mechanism when the listener does not offer it', () => {
    const error = kafkaSetupError(saslError('SASL PLAIN mechanism is not supported by the server'));
    expect(error?.message).toMatch(/^KAFKA_SASL_MECHANISM: the broker does not offer PLAIN on this listener/);
    const protocol = protocolError({ message: 'unsupported', type: 'UNSUPPORTED_SASL_MECHANISM', code: 33, retriable: false });
    expect(kafkaSetupError(protocol)?.setting).toBe('KAFKA_SASL_MECHANISM');
  });

  it('name the token settings when the broker refuses the token', () => {
    const error = kafkaSetupError(saslError('SASL OAUTHBEARER authentication failed: {"status":"invalid_token"}'));
    expect(error?.message).toMatch(/^KAFKA_SASL_OAUTHBEARER_TOKEN_FILE or _COMMAND: the broker refused the token/);
  });

  it('name the CA when the broker certificate is not trusted, the server name when it names another host', () => {
    expect(kafkaSetupError(retried(tlsFailure('SELF_SIGNED_CERT_IN_CHAIN')))?.message).toMatch(
      /^KAFKA_SSL_CA_FILE: the broker's certificate is not trusted \(SELF_SIGNED_CERT_IN_CHAIN\)/,
    );
    expect(kafkaSetupError(tlsFailure('UNABLE_TO_GET_ISSUER_CERT_LOCALLY'))?.setting).toBe('KAFKA_SSL_CA_FILE');
    expect(kafkaSetupError(tlsFailure('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"))?.setting).toBe(
      'KAFKA_SSL_SERVERNAME',
    );
  });

  it('name the client certificate when the broker requires one or refuses it', () => {
    expect(kafkaSetupError(tlsFailure('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'))?.message).toMatch(
      /^KAFKA_SSL_CERT_FILE: the broker requires a client certificate/,
    );
    expect(kafkaSetupError(tlsFailure('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'))?.message).toMatch(
      /^KAFKA_SSL_CERT_FILE: the broker refused the client certificate, or requires one/,
    );
  });

  it('leave what passes to the retries: a broker down, a name not resolving yet, a timeout', () => {
    for (const error of [
      retried(tlsFailure('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9092')),
      tlsFailure('ENOTFOUND', 'getaddrinfo ENOTFOUND kafka'),
      new KafkaJSConnectionError('Connection timeout'),
    ]) {
      expect(kafkaSetupError(error)).toBeUndefined();
      expect(isKafkaUnreachable(error)).toBe(true);
    }
    expect(kafkaSetupError(new Error('no such topic: t'))).toBeUndefined();
    expect(isKafkaUnreachable(nonRetriable('no such topic: t'))).toBe(false);
    expect(isKafkaUnreachable(retried(saslError('SASL PLAIN authentication failed')))).toBe(false);
  });

  it('says what a retried failure may mean when Node words it: TLS on a plaintext listener, a name not resolving', () => {
    const tlsOnPlaintext = retried(
      tlsFailure('ECONNRESET', 'Client network socket disconnected before secure TLS connection was established'),
    );
    expect(kafkaSetupError(tlsOnPlaintext)).toBeUndefined();
    expect(kafkaWaitHint(tlsOnPlaintext)).toMatch(/is this listener plaintext\? check KAFKA_BROKERS and the KAFKA_SSL settings/);
    expect(kafkaWaitHint(tlsFailure('ENOTFOUND', 'getaddrinfo ENOTFOUND kafka'))).toMatch(/does not resolve \(yet\)/);
    expect(kafkaWaitHint(tlsFailure('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9092'))).toBeUndefined();
  });
});
