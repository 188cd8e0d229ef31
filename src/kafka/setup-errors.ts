import { KafkaSetupError } from '../errors.js';

/** Node's codes for a broker certificate that no trusted CA signed. */
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

/** TLS alerts the broker sends when it refuses our client certificate (or its absence). */
const CLIENT_CERT_REFUSED = new Set([
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED',
]);

interface Link {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  type?: unknown;
}

/**
 * The one place that tells a refusal of the bridge's own settings (wrong
 * credentials, an untrusted or mismatched certificate, a client certificate
 * missing or refused, a SASL mechanism the listener does not offer, a token
 * command that does not exist) from a state that passes (a broker not up yet,
 * a name that does not resolve yet, a timeout). The bridge, the consumer SDK,
 * the CLI commands and the console all go through it (`createKafka` converts
 * what its clients' `connect` throws). Undefined: keep retrying.
 */
export function kafkaSetupError(error: unknown): KafkaSetupError | undefined {
  if (error instanceof KafkaSetupError) return error;
  const chain = links(error);
  const messages = chain.map((link) => String(link.message ?? ''));
  const codes = new Set(chain.map((link) => link.code).filter((code): code is string => typeof code === 'string'));
  const said = (pattern: RegExp) => messages.find((message) => pattern.test(message));
  const cause = { cause: error };

  const unsupported =
    said(/mechanism is not supported by the server/) ?? (hasType(chain, 'UNSUPPORTED_SASL_MECHANISM') ? 'unsupported' : undefined);
  if (unsupported) {
    const mechanism = /SASL (\S+) mechanism/.exec(unsupported)?.[1] ?? 'the SASL mechanism asked for';
    return new KafkaSetupError(
      'KAFKA_SASL_MECHANISM',
      `the broker does not offer ${mechanism} on this listener; use a mechanism it enables (sasl.enabled.mechanisms) or the listener meant for it`,
      cause,
    );
  }
  if (hasType(chain, 'ILLEGAL_SASL_STATE')) {
    return new KafkaSetupError(
      'KAFKA_SASL_MECHANISM',
      'this listener takes no SASL (the broker answered ILLEGAL_SASL_STATE): unset KAFKA_SASL_MECHANISM, or use the SASL listener',
      cause,
    );
  }
  const refusedToken = said(/SASL OAUTHBEARER authentication failed/);
  if (refusedToken) {
    return new KafkaSetupError(
      'KAFKA_SASL_OAUTHBEARER_TOKEN_FILE or _COMMAND',
      `the broker refused the token (${detail(refusedToken)})`,
      cause,
    );
  }
  const refused = chain.some((link) => link.name === 'KafkaJSSASLAuthenticationError') || hasType(chain, 'SASL_AUTHENTICATION_FAILED');
  if (refused) {
    return new KafkaSetupError(
      'KAFKA_SASL_PASSWORD',
      `the broker refused the credentials (${detail(said(/authentication failed|SASL/i) ?? messages[0] ?? '')}); check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD and KAFKA_SASL_MECHANISM`,
      cause,
    );
  }
  const missingCommand = said(/^KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND: exited with 12[67]/);
  if (missingCommand)
    return new KafkaSetupError('KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND', missingCommand.slice(missingCommand.indexOf(':') + 2), cause);

  const code = [...codes].find(
    (c) =>
      UNTRUSTED.has(c) ||
      CLIENT_CERT_REFUSED.has(c) ||
      /^(ERR_TLS_CERT_ALTNAME_INVALID|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED)$/.test(c),
  );
  if (!code) return undefined;
  if (UNTRUSTED.has(code)) {
    return new KafkaSetupError(
      'KAFKA_SSL_CA_FILE',
      `the broker's certificate is not trusted (${code}): give the CA that signed it in KAFKA_SSL_CA_FILE or KAFKA_SSL_CA_PEM`,
      cause,
    );
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new KafkaSetupError(
      'KAFKA_SSL_SERVERNAME',
      `the broker's certificate does not name the host connected to (${detail(said(/Hostname|IP|altnames/) ?? code)}): use a name it holds in KAFKA_BROKERS, or set KAFKA_SSL_SERVERNAME`,
      cause,
    );
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new KafkaSetupError(
      'KAFKA_BROKERS',
      `the broker's certificate is out of its validity (${code}): the broker must renew it`,
      cause,
    );
  }
  if (code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED') {
    return new KafkaSetupError(
      'KAFKA_SSL_CERT_FILE',
      'the broker requires a client certificate (mutual TLS): set KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE',
      cause,
    );
  }
  return new KafkaSetupError(
    'KAFKA_SSL_CERT_FILE',
    `the broker refused the client certificate, or requires one (${code}): set KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE to a certificate signed by a CA the broker trusts`,
    cause,
  );
}

/** The error and what it wraps (kafkajs wraps once or twice: retries exhausted, a seed broker failed). */
function links(error: unknown): Link[] {
  const chain: Link[] = [];
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
    chain.push(current as Link);
    const { cause, originalError } = current as { cause?: unknown; originalError?: unknown };
    const next = cause ?? originalError;
    if (next === current) break;
    current = next;
  }
  return chain;
}

function hasType(chain: Link[], type: string): boolean {
  return chain.some((link) => link.type === type);
}

/** The broker's or Node's own words, short and on one line. */
function detail(message: string): string {
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

const UNREACHABLE = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
]);

/** No broker answered (down, not resolving yet, a timeout): worth waiting for, unlike a refusal of the settings. */
export function isKafkaUnreachable(error: unknown): boolean {
  if (kafkaSetupError(error)) return false;
  return links(error).some(
    (link) =>
      UNREACHABLE.has(String(link.name)) || /Failed to connect to seed broker|Connection (error|timeout)/.test(String(link.message ?? '')),
  );
}

/**
 * What a failure that is retried may mean, when its words are Node's and not
 * the user's: a TLS client on a plaintext listener, a name that does not
 * resolve. Said beside the error while the bridge waits; undefined when the
 * error speaks for itself.
 */
export function kafkaWaitHint(error: unknown): string | undefined {
  const text = links(error)
    .map((link) => `${String(link.message ?? '')} ${String(link.code ?? '')}`)
    .join(' ');
  if (/before secure TLS connection was established|wrong version number|packet length too long/i.test(text)) {
    return 'TLS was refused: is this listener plaintext? check KAFKA_BROKERS and the KAFKA_SSL settings';
  }
  if (/ENOTFOUND|EAI_AGAIN/.test(text)) return 'the broker name does not resolve (yet): check KAFKA_BROKERS';
  return undefined;
}
