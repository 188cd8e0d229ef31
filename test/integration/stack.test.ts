import { type ConsumedEvent, type Consumer, createConsumer } from 'popp-bridge/consumer';
import { type PoppBridgeStack, startPoppBridgeStack } from 'popp-bridge/testing/containers';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildImages } from '../../src/images/build.js';
import { createDockerCli } from '../../src/images/docker.js';
import { devstackHome, projectRoot } from '../../src/paths.js';
import { eventually } from '../support/consumer.js';
import { CONTAINER_PORTS, freePort, IMAGE_BUILD_MS } from '../support/containers.js';

const engine = inject('dockerEngine');
if (!engine.ok) console.log(`[containers] downstream stack example skipped: ${engine.reason}`);

/**
 * What a downstream team writes: their consumer, against Kafka and the bridge
 * in containers, fed signed events the way Popp sends them
 * (docs/guides/containers.md).
 */
describe.skipIf(!engine.ok)('a downstream consumer tested against startPoppBridgeStack()', () => {
  let stack: PoppBridgeStack;
  let consumer: Consumer | undefined;

  beforeAll(async () => {
    const log = (line: string) => console.log(`[images] ${line}`);
    await buildImages({ docker: createDockerCli(), root: projectRoot, home: devstackHome, log, only: ['bridge', 'kafka'] });
    stack = await startPoppBridgeStack({
      kafkaPort: await freePort(CONTAINER_PORTS.stack),
      bridgePort: await freePort({ from: CONTAINER_PORTS.stack.from + 10, to: CONTAINER_PORTS.stack.to }),
    });
    console.log(`[containers] Testcontainers started the stack: Kafka on ${stack.brokers.join(',')}, the bridge at ${stack.webhookUrl}`);
  }, IMAGE_BUILD_MS);
  afterAll(async () => {
    await consumer?.stop();
    await stack?.stop();
  });

  it('delivers a signed sample to the consumer in its own group, and refuses an unsigned one', async () => {
    const seen: ConsumedEvent<'CONVERSATION_STARTED'>[] = [];
    consumer = createConsumer({
      kafka: { brokers: stack.brokers, ssl: false },
      topics: { prefix: stack.topicPrefix },
      groupId: 'timeline-service',
      signals: [],
      handlers: {
        CONVERSATION_STARTED: async (event) => {
          seen.push(event);
        },
      },
    });
    await consumer.start();

    const event = stack.sample('CONVERSATION_STARTED', { recordId: 'conv_stack1' });
    expect(await stack.send(event)).toMatchObject({ status: 200, body: { status: 'published', eventId: event.eventId } });
    await eventually(() => seen.length > 0, 30_000);
    expect(seen.map((item) => [item.eventId, item.recordId])).toEqual([[event.eventId, 'conv_stack1']]);

    const response = await fetch(stack.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    expect(response.status).toBe(401);
  });
});
