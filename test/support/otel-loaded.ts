/**
 * Run as its own process (node --import tsx): starts a bridge from the given
 * environment, posts one signed webhook, closes, and prints as JSON the
 * webhook's status and which OpenTelemetry modules the process loaded. The
 * packages are CommonJS under Node, so each loaded file is in require's cache.
 */
import { createRequire } from 'node:module';
import { loadConfig } from '../../src/config.js';
import { startBridge } from '../../src/server.js';
import { documentUploaded, signed } from './events.js';

const [brokers = '', env = '{}'] = process.argv.slice(2);
const config = loadConfig({
  PORT: '0',
  HOST: '127.0.0.1',
  ADMIN_PORT: '0',
  TOPIC_PARTITIONS: '2',
  LOG_LEVEL: 'silent',
  ...JSON.parse(env),
});
const bridge = await startBridge({ config, brokers: brokers.split(','), secrets: config.secrets });
const request = signed(documentUploaded());
const response = await fetch(`${bridge.url}/webhooks/popp`, { method: 'POST', headers: request.headers, body: request.payload });
await bridge.close();
const packages = Object.keys(createRequire(import.meta.url).cache)
  .map((file) => /node_modules\/(@opentelemetry\/[^/]+)\//.exec(file)?.[1])
  .filter((name): name is string => name !== undefined);
process.stdout.write(`${JSON.stringify({ status: response.status, loaded: [...new Set(packages)].sort() })}\n`);
