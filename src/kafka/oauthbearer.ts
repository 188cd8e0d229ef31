import kafkajs, { type AuthenticationProviderArgs, type Mechanism, type SASLOptions } from 'kafkajs';

// kafkajs spreads its errors into its exports, which Node's named-export detection cannot see; its typings take no message.
const SaslAuthenticationError = kafkajs.KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;

const SOH = '\u0001';

/**
 * kafkajs' OAUTHBEARER sends the token and ignores the broker's answer. A
 * broker that refuses the token answers `{"status":"invalid_token"}` (RFC 7628)
 * and then closes the connection, which kafkajs reports as a closed
 * connection, retried for ever. This authenticator sends the same client
 * message (`n,,^Aauth=Bearer <token>^A^A`) and reads the answer: any answer
 * is a refusal, and says so.
 */
export function oauthBearerMechanism(sasl: Extract<SASLOptions, { mechanism: 'oauthbearer' }>): Mechanism {
  return {
    mechanism: 'oauthbearer',
    authenticationProvider: ({ host, port, saslAuthenticate }: AuthenticationProviderArgs) => ({
      async authenticate() {
        const token = await sasl.oauthBearerProvider();
        const message = Buffer.from(`n,,${SOH}auth=Bearer ${token.value}${SOH}${SOH}`);
        const answer = await saslAuthenticate<Buffer>({
          request: { encode: () => withLength(message) },
          response: { decode: (raw) => withoutLength(raw), parse: (data) => data },
        });
        if (answer && answer.length > 0) {
          const refusal = answer.toString('utf8').replace(/\s+/g, ' ').slice(0, 200);
          throw new SaslAuthenticationError(`SASL OAUTHBEARER authentication failed: ${refusal} (broker ${host}:${port})`);
        }
      },
    }),
  };
}

/** Kafka's `bytes`: a 32-bit length, then the bytes. */
function withLength(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeInt32BE(bytes.length, 0);
  return Buffer.concat([length, bytes]);
}

function withoutLength(raw: Buffer): Buffer {
  if (raw.length < 4) return Buffer.alloc(0);
  const length = raw.readInt32BE(0);
  return length <= 0 ? Buffer.alloc(0) : raw.subarray(4, 4 + length);
}
