import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from './declare.js';

/** What Node's `tls.connect` takes of a CA bundle and a client certificate; PEM text, as read. */
export interface TlsMaterial {
  ca?: string[];
  cert?: string;
  key?: string;
  passphrase?: string;
}

/** The variables of one TLS client (`KAFKA_SSL_…`, `SCHEMA_REGISTRY_SSL_…`) by suffix; a `_PEM` suffix is text given inline. */
export interface TlsSources {
  prefix: string;
  CA_FILE?: string | undefined;
  CA_PEM?: string | undefined;
  CERT_FILE?: string | undefined;
  CERT_PEM?: string | undefined;
  KEY_FILE?: string | undefined;
  KEY_PEM?: string | undefined;
  KEY_PASSPHRASE?: string | undefined;
}

const CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Reads and checks the CA bundle, client certificate and key once, at
 * start-up: a file that cannot be read, holds no certificate, an encrypted key
 * without its passphrase, a key of another certificate or an expired client
 * certificate stop start-up with one line naming the variable (never the key
 * or passphrase). Rotated files are picked up by a restart (see
 * docs/guides/connecting-to-kafka.md). Undefined when nothing is set.
 */
export function readTlsMaterial(sources: TlsSources, now = new Date()): TlsMaterial | undefined {
  const { prefix } = sources;
  const name = (suffix: keyof Omit<TlsSources, 'prefix'>) => `${prefix}_${suffix}`;
  const text = (suffix: 'CA' | 'CERT' | 'KEY') => {
    const file = sources[`${suffix}_FILE`];
    const inline = sources[`${suffix}_PEM`];
    // Secret stores and .env files often keep PEM on one line, its line breaks written as `\n`.
    return { file: file ? readPem(name(`${suffix}_FILE`), file) : undefined, inline: inline?.replace(/\\n/g, '\n') };
  };
  const ca = text('CA');
  const cert = text('CERT');
  const key = text('KEY');
  const material: TlsMaterial = {};

  const bundles = [
    ...(ca.file !== undefined ? [[name('CA_FILE'), ca.file] as const] : []),
    ...(ca.inline !== undefined ? [[name('CA_PEM'), ca.inline] as const] : []),
  ];
  if (bundles.length > 0) material.ca = bundles.map(([variable, pem]) => certificates(variable, pem).join('\n'));

  const certVariable = cert.file !== undefined ? name('CERT_FILE') : name('CERT_PEM');
  const keyVariable = key.file !== undefined ? name('KEY_FILE') : name('KEY_PEM');
  const certPem = cert.file ?? cert.inline;
  const keyPem = key.file ?? key.inline;
  if (cert.file !== undefined && cert.inline !== undefined) fail(`set ${name('CERT_FILE')} or ${name('CERT_PEM')}, not both`);
  if (key.file !== undefined && key.inline !== undefined) fail(`set ${name('KEY_FILE')} or ${name('KEY_PEM')}, not both`);
  if (certPem !== undefined && keyPem === undefined) fail(`${certVariable} needs its private key: set ${name('KEY_FILE')}`);
  if (keyPem !== undefined && certPem === undefined) fail(`${keyVariable} needs its certificate: set ${name('CERT_FILE')}`);
  if (certPem !== undefined && keyPem !== undefined) {
    const [leafPem] = certificates(certVariable, certPem);
    const leaf = new X509Certificate(leafPem as string);
    const privateKey = decryptKey(keyVariable, name('KEY_PASSPHRASE'), keyPem, sources.KEY_PASSPHRASE);
    if (!leaf.checkPrivateKey(privateKey)) fail(`${keyVariable}: the key does not belong to the certificate of ${certVariable}`);
    if (new Date(leaf.validTo) < now) fail(`${certVariable}: the client certificate expired on ${leaf.validTo}; renew it`);
    material.cert = certPem;
    material.key = keyPem;
    if (sources.KEY_PASSPHRASE) material.passphrase = sources.KEY_PASSPHRASE;
  } else if (sources.KEY_PASSPHRASE) {
    fail(`${name('KEY_PASSPHRASE')} is set but no key is: set ${name('KEY_FILE')}`);
  }
  return Object.keys(material).length > 0 ? material : undefined;
}

function readPem(variable: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    fail(`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** Each PEM certificate of `pem`, each one parsed (a typo in a pasted bundle fails here, not at the first connection). */
function certificates(variable: string, pem: string): string[] {
  const found = pem.match(CERTIFICATE) ?? [];
  if (found.length === 0) fail(`${variable}: holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  for (const block of found) {
    try {
      new X509Certificate(block);
    } catch (error) {
      fail(`${variable}: a certificate cannot be read (${(error as Error).message})`);
    }
  }
  return found;
}

function decryptKey(variable: string, passphraseVariable: string, pem: string, passphrase: string | undefined): KeyObject {
  // PKCS#8 (`BEGIN ENCRYPTED PRIVATE KEY`) or the traditional format (`Proc-Type: 4,ENCRYPTED`).
  if (passphrase === undefined && /ENCRYPTED/.test(pem)) fail(`${variable}: the key is encrypted; set ${passphraseVariable}`);
  try {
    return createPrivateKey({ key: pem, ...(passphrase !== undefined && { passphrase }) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (passphrase !== undefined && /decrypt/i.test((error as Error).message)) {
      fail(`${passphraseVariable}: does not decrypt the key of ${variable}`);
    }
    fail(`${variable}: holds no readable PEM private key (${code ?? (error as Error).message})`);
  }
}

function fail(message: string): never {
  throw new ConfigError(message);
}
