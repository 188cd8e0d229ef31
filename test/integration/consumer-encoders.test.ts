import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { uniqueGroup } from '../support/consumer.js';
import { documentUploaded } from '../support/events.js';
import { spawnFixture } from '../support/examples.js';
import { uniquePrefix } from '../support/kafka.js';

const brokers = inject('kafkaBrokers');

describe("the SDK and kafkajs' encoders", () => {
  let bridge: TestBridge;

  beforeAll(async () => {
    bridge = await startTestBridge(brokers, uniquePrefix('encoders'));
    expect((await bridge.post(documentUploaded())).status).toBe(200);
  });
  afterAll(() => bridge?.close());

  const run = async (env: Record<string, string>) => {
    const service = spawnFixture('encoders-consumer', {
      KAFKA_BROKERS: brokers.join(','),
      TOPIC_PREFIX: bridge.prefix,
      GROUP: uniqueGroup('encoders'),
      LOG_LEVEL: 'silent',
      ...env,
    });
    expect(await service.exited).toBe(0);
    const last = service.lines.filter((line) => line.startsWith('{"deadLettered"')).pop();
    return JSON.parse(last ?? 'null') as Record<string, unknown>;
  };

  it("leaves kafkajs as shipped in a service's process, even after the SDK produced dead letters", async () => {
    expect(await run({})).toEqual({
      deadLettered: 1,
      recordEncoder: 'as shipped',
      produceEncoder: 'as shipped',
      encoderGrowth: 'as shipped',
    });
  });

  it('installs the fast encoders when the service opts in', async () => {
    expect(await run({ FAST_ENCODERS: 'true' })).toEqual({
      deadLettered: 1,
      recordEncoder: 'replaced',
      produceEncoder: 'replaced',
      encoderGrowth: 'replaced',
    });
  });
});
