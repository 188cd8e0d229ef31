import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failureOf, isOurProcess } from '../../../src/devstack/process.js';

describe('broker process helpers', () => {
  it('quotes the fatal error and its exception from a failed start, not the stack trace or earlier runs', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'devstack-log-')), 'broker.log');
    const earlier = '[2026-01-01 10:00:00,000] ERROR an old failure (kafka.Kafka$)\n';
    await writeFile(
      file,
      `${earlier}[2026-01-01 10:05:00,000] INFO Starting (kafka.Kafka$)
[2026-01-01 10:05:01,000] ERROR Exiting Kafka due to fatal exception (kafka.Kafka$)
java.lang.RuntimeException: Stored node id 2 doesn't match previous node id 1
\tat org.apache.kafka.metadata.properties.MetaPropertiesEnsemble.verify(MetaPropertiesEnsemble.java:513)
\tat kafka.Kafka.main(Kafka.scala)
`,
    );
    const text = await failureOf(file, Buffer.byteLength(earlier));
    expect(text).toContain('ERROR Exiting Kafka due to fatal exception');
    expect(text).toContain("Stored node id 2 doesn't match previous node id 1");
    expect(text).not.toContain('an old failure');
    expect(text).not.toContain('\tat ');
  });

  it('quotes the last lines when the JVM itself failed before logging anything', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'devstack-log-')), 'broker.log');
    await writeFile(file, 'Error occurred during initialization of VM\nToo small maximum heap\n');
    expect(await failureOf(file)).toBe('Error occurred during initialization of VM\nToo small maximum heap');
  });

  it('does not take a live process that is not our broker for ours', () => {
    expect(isOurProcess(process.pid, '/no/such/server.properties')).toBe(false);
    expect(isOurProcess(999_999_999, 'anything')).toBe(false);
  });
});
