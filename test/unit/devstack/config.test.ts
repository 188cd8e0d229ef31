import { describe, expect, it } from 'vitest';
import { newClusterId, renderLog4j, renderServerProperties } from '../../../src/devstack/config.js';

const parse = (text: string) =>
  Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

describe('local broker configuration', () => {
  const props = parse(renderServerProperties({ host: '127.0.0.1', port: 19092, controllerPort: 19093, dataDir: '/tmp/x/data' }));

  it('runs one process as both broker and KRaft controller on the given ports', () => {
    expect(props['process.roles']).toBe('broker,controller');
    expect(props['node.id']).toBe('1');
    expect(props.listeners).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(props['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:19092');
    expect(props['controller.quorum.bootstrap.servers']).toBe('127.0.0.1:19093');
    expect(props['controller.listener.names']).toBe('CONTROLLER');
    expect(props['log.dirs']).toBe('/tmp/x/data');
  });

  it('gives every internal topic a replication factor one node can meet', () => {
    for (const key of [
      'offsets.topic.replication.factor',
      'transaction.state.log.replication.factor',
      'transaction.state.log.min.isr',
      'share.coordinator.state.topic.replication.factor',
      'share.coordinator.state.topic.min.isr',
    ]) {
      expect(props[key], key).toBe('1');
    }
  });

  it('leaves topic creation to the bridge and lets test consumer groups join without delay', () => {
    expect(props['auto.create.topics.enable']).toBe('false');
    expect(props['num.partitions']).toBe('6');
    expect(props['group.initial.rebalance.delay.ms']).toBe('0');
  });

  it('escapes backslashes so a Windows data path survives Java properties parsing', () => {
    const text = renderServerProperties({ host: '127.0.0.1', port: 1, controllerPort: 2, dataDir: 'C:\\dev\\data' });
    expect(text).toContain('log.dirs=C:\\\\dev\\\\data');
  });

  it('makes cluster ids like kafka-storage random-uuid: 16 random bytes in base64url without padding', () => {
    const id = newClusterId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    expect(newClusterId()).not.toBe(id);
  });

  it('never makes a cluster id starting with "-", which the storage tool would read as an option (CI failure of the first session)', () => {
    const draws = [Buffer.alloc(16, 0xfb), Buffer.alloc(16, 7)];
    // 0xfb... encodes to "-_..." in base64url: that draw must be skipped.
    expect(draws[0]?.toString('base64url').startsWith('-')).toBe(true);
    let index = 0;
    const id = newClusterId(() => draws[index++] as Buffer);
    expect(id).toBe(Buffer.alloc(16, 7).toString('base64url'));
  });

  it('logs INFO to stdout, which the broker process writes to its log file', () => {
    const log4j = renderLog4j();
    expect(log4j).toContain('appender.stdout.type = Console');
    expect(log4j).toContain('rootLogger.level = info');
  });
});

describe('a node of the local replicated cluster', () => {
  const controllers = ['127.0.0.1:42093', '127.0.0.1:42193', '127.0.0.1:42293'];
  const text = renderServerProperties({
    host: '127.0.0.1',
    port: 42192,
    controllerPort: 42193,
    dataDir: '/tmp/x/data',
    cluster: { nodeId: 2, controllers, replicationFactor: 3, minInsyncReplicas: 2 },
  });
  const props = parse(text);

  it('has its own id and listeners, and finds the quorum through every controller', () => {
    expect(props['node.id']).toBe('2');
    expect(props.listeners).toBe('PLAINTEXT://127.0.0.1:42192,CONTROLLER://127.0.0.1:42193');
    expect(props['controller.quorum.bootstrap.servers']).toBe(controllers.join(','));
  });

  it('replicates every topic three times and acknowledges a write only with two copies', () => {
    for (const key of ['offsets.topic.replication.factor', 'transaction.state.log.replication.factor', 'default.replication.factor']) {
      expect(props[key], key).toBe('3');
    }
    for (const key of ['min.insync.replicas', 'transaction.state.log.min.isr', 'share.coordinator.state.topic.min.isr']) {
      expect(props[key], key).toBe('2');
    }
  });

  it('sets each setting once', () => {
    const keys = text
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.slice(0, line.indexOf('=')));
    expect(keys.length).toBe(new Set(keys).size);
  });
});
