import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { loadConfig } from '../../src/config.js';
import { loadSchemas } from '../../src/contract/schemas.js';
import { topicForEventType } from '../../src/contract/topics.js';
import { schemasDir } from '../../src/paths.js';
import { type Bridge, startBridge } from '../../src/server.js';
import { SECRET, signed } from './events.js';

export interface TestBridge {
  bridge: Bridge;
  prefix: string;
  topics: { log: string; deadLetter: string; all: string[] };
  post(
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; json: () => Promise<unknown>; text: string }>;
  close(): Promise<void>;
}

/**
 * A real bridge on a free port, on the given brokers, with its own topic prefix. Two partitions a
 * topic unless a test asks for more: every test bridge creates the whole catalogue's topics, and
 * at six partitions a full run left the local broker with tens of thousands of open files. Its
 * dedupe window lives in a new directory of its own (removed on close) unless `env` names one.
 */
export async function startTestBridge(
  brokers: string[],
  prefix: string,
  env: Record<string, string> = {},
  extra: { maxQueuedRecords?: number; logger?: Logger; schemasDir?: string } = {},
): Promise<TestBridge> {
  const ownDedupeDir = env.DEDUPE_DIR === undefined ? mkdtempSync(join(tmpdir(), 'popp-test-dedupe-')) : undefined;
  const config = loadConfig({
    ...(ownDedupeDir && { DEDUPE_DIR: ownDedupeDir }),
    PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_PORT: '0',
    POPP_WEBHOOK_SECRET: SECRET,
    TOPIC_PREFIX: prefix,
    TOPIC_PARTITIONS: '2',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const bridge = await startBridge({ config, brokers, secrets: config.secrets, ...extra }).catch(async (error: unknown) => {
    if (ownDedupeDir) await rm(ownDedupeDir, { recursive: true, force: true });
    throw error;
  });
  const typeTopics = [...loadSchemas(extra.schemasDir ?? schemasDir).events.keys()].map((type) => topicForEventType(prefix, type));
  return {
    bridge,
    prefix,
    topics: {
      log: config.topics.eventLog,
      deadLetter: config.topics.deadLetter,
      all: [...typeTopics, config.topics.eventLog, config.topics.deadLetter],
    },
    async post(body, headers = {}) {
      const request = signed(body);
      const response = await fetch(`${bridge.url}/webhooks/popp`, {
        method: 'POST',
        headers: { ...request.headers, ...headers },
        body: request.payload,
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, text, json: async () => JSON.parse(text) };
    },
    async close() {
      await bridge.close();
      if (ownDedupeDir) await rm(ownDedupeDir, { recursive: true, force: true });
    },
  };
}
