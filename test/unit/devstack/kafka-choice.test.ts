import { describe, expect, it } from 'vitest';
import { type ContainerOutcome, chooseKafka, type Engine } from '../../support/kafka-choice.js';

/** The suite's choice of Kafka, with in-memory stand-ins for the container and the local broker. */
function choose(given: string[] | undefined, engine: Engine, container: ContainerOutcome | Error) {
  const lines: string[] = [];
  const started: string[] = [];
  const choice = chooseKafka({
    given,
    engine,
    log: (line) => lines.push(line),
    container: async () => {
      started.push('container');
      if (container instanceof Error) throw container;
      return container;
    },
    local: async () => {
      started.push('local');
      return { brokers: ['127.0.0.1:9092'], stop: async () => {} };
    },
  });
  return { choice, lines, started };
}

const running: ContainerOutcome = { ok: true, brokers: ['127.0.0.1:45000'], stop: async () => {} };

describe('the integration suite picks its Kafka', () => {
  it('uses KAFKA_BROKERS when given, whatever else answers', async () => {
    const { choice, started } = choose(['k:9092'], { ok: true }, running);
    expect(await choice).toMatchObject({ via: 'KAFKA_BROKERS', brokers: ['k:9092'] });
    expect(started).toEqual([]);
  });

  it('runs Kafka in a container when a Docker engine answers', async () => {
    const { choice, lines, started } = choose(undefined, { ok: true }, running);
    expect(await choice).toMatchObject({ via: 'container', brokers: ['127.0.0.1:45000'] });
    expect(started).toEqual(['container']);
    expect(lines).toEqual([]);
  });

  it('falls back to the local broker after one line naming why, when the container does not start', async () => {
    const reason = 'the Kafka container from popp-bridge-local/kafka:4.1.1 did not start (port 45000 is in use)';
    const { choice, lines, started } = choose(undefined, { ok: true }, { ok: false, reason });
    expect(await choice).toMatchObject({ via: 'local broker', brokers: ['127.0.0.1:9092'] });
    expect(started).toEqual(['container', 'local']);
    expect(lines).toEqual([`Testcontainers path skipped: ${reason}; using the local development broker`]);
  });

  it.each([
    'no Docker engine answered (connect ENOENT /var/run/docker.sock)',
    'a Docker engine answered but the image popp-bridge-local/kafka:4.1.1 could not be built (debootstrap could not run)',
  ])('says the container path was skipped, and never asks for a container, when %s', async (reason) => {
    const { choice, lines, started } = choose(undefined, { ok: false, reason }, running);
    expect(await choice).toMatchObject({ via: 'local broker' });
    expect(started).toEqual(['local']);
    expect(lines).toEqual([`Testcontainers path skipped: ${reason}; using the local development broker`]);
  });
});
