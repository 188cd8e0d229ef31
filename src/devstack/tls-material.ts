import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** PEM files of a private CA, a broker certificate it signed, and client certificates for mutual TLS. */
export interface TlsFiles {
  dir: string;
  /** The CA certificate: what clients trust (KAFKA_SSL_CA_FILE). */
  ca: string;
  /** The broker's key, certificate and the CA, in one PEM file: Kafka's PEM key store. */
  brokerKeystore: string;
  /** A client certificate signed by the CA, with its unencrypted key. */
  clientCert: string;
  clientKey: string;
  /** The same client key, encrypted with `clientKeyPassphrase`. */
  clientKeyEncrypted: string;
  clientKeyPassphrase: string;
  /** A self-signed client certificate no CA of the broker vouches for. */
  strangerCert: string;
  strangerKey: string;
}

/** Valid for about two years; made again when the CA is missing (delete the folder to start over). */
const DAYS = '825';

/**
 * A private CA made with openssl, once, in `dir`: the broker's certificate
 * names 127.0.0.1 and localhost; the client certificate is what an mTLS
 * listener asks for. Keys are unencrypted PKCS#8 (what Kafka's PEM key store
 * reads without a key password), except the one made to test passphrases.
 * Development material only: it lives in the git-ignored devstack folder.
 */
export async function ensureTlsMaterial(dir: string, log: (line: string) => void = () => {}): Promise<TlsFiles> {
  const files: TlsFiles = {
    dir,
    ca: join(dir, 'ca.pem'),
    brokerKeystore: join(dir, 'broker-keystore.pem'),
    clientCert: join(dir, 'client.pem'),
    clientKey: join(dir, 'client.key'),
    clientKeyEncrypted: join(dir, 'client-encrypted.key'),
    clientKeyPassphrase: 'devstack-passphrase',
    strangerCert: join(dir, 'stranger.pem'),
    strangerKey: join(dir, 'stranger.key'),
  };
  if (existsSync(files.strangerKey)) return files;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  log(`making a private CA and certificates with openssl in ${dir}`);
  const at = (name: string) => join(dir, name);
  const openssl = (...args: string[]) =>
    run('openssl', args, { cwd: dir }).catch((error: NodeJS.ErrnoException & { stderr?: string }) => {
      throw new Error(
        error.code === 'ENOENT'
          ? 'the secured local broker needs openssl (e.g. apt-get install openssl)'
          : `openssl ${args[0]} failed: ${String(error.stderr ?? error.message).trim()}`,
      );
    });
  const newKey = (name: string) => openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', at(name));

  await newKey('ca.key');
  await openssl(
    'req',
    '-x509',
    '-new',
    '-key',
    at('ca.key'),
    '-out',
    files.ca,
    '-days',
    DAYS,
    '-subj',
    '/CN=popp-bridge devstack CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );

  const signed = async (name: string, subject: string, extensions: string) => {
    await newKey(`${name}.key`);
    await openssl('req', '-new', '-key', at(`${name}.key`), '-out', at(`${name}.csr`), '-subj', subject);
    await writeFile(at(`${name}.ext`), extensions);
    await openssl(
      'x509',
      '-req',
      '-in',
      at(`${name}.csr`),
      '-CA',
      files.ca,
      '-CAkey',
      at('ca.key'),
      '-CAcreateserial',
      '-out',
      at(`${name}.pem`),
      '-days',
      DAYS,
      '-extfile',
      at(`${name}.ext`),
    );
  };
  await signed('broker', '/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
  await signed('client', '/CN=popp-bridge', 'extendedKeyUsage=clientAuth\n');
  await openssl(
    'pkcs8',
    '-topk8',
    '-in',
    files.clientKey,
    '-out',
    files.clientKeyEncrypted,
    '-v2',
    'aes-256-cbc',
    '-passout',
    `pass:${files.clientKeyPassphrase}`,
  );
  await newKey('stranger.key.tmp');
  await openssl('req', '-x509', '-new', '-key', at('stranger.key.tmp'), '-out', files.strangerCert, '-days', DAYS, '-subj', '/CN=stranger');
  const keystore = [await readFile(at('broker.key'), 'utf8'), await readFile(at('broker.pem'), 'utf8'), await readFile(files.ca, 'utf8')];
  await writeFile(files.brokerKeystore, keystore.join(''));
  // Written last: its presence says the set is complete.
  await writeFile(files.strangerKey, await readFile(at('stranger.key.tmp')));
  return files;
}
