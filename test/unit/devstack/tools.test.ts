import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { log4jVersionFor, renderPom } from '../../../src/devstack/jars.js';
import { checkJava, checkTools, missingTestTools, parseJavaMajor } from '../../../src/devstack/tools.js';

/** A stand-in `java` that prints the given version banner to stderr, as the real one does. */
function fakeJava(banner: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'fake-java-')), 'java');
  writeFileSync(file, `#!/bin/sh\necho '${banner}' >&2\n`, { mode: 0o755 });
  return file;
}

describe('java version parsing', () => {
  it('reads the major version of current JDKs', () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment')).toBe(17);
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaMajor('java version "23.0.1" 2024-10-15')).toBe(23);
  });

  it('reads the old 1.x scheme as its second number', () => {
    expect(parseJavaMajor('java version "1.8.0_292"')).toBe(8);
  });

  it('answers undefined for output it does not recognise', () => {
    expect(parseJavaMajor('bash: java: command not found')).toBeUndefined();
  });
});

describe('tool checks', () => {
  it('names what to install when java is missing', async () => {
    await expect(checkTools({ java: 'no-such-java-here', mvn: 'mvn' })).rejects.toThrow(/Java 17 or newer.*not found: install a JDK 17/);
  });

  it.skipIf(process.platform === 'win32')('names what to install when java is too old', async () => {
    await expect(checkJava(fakeJava('java version "1.8.0_292"'))).rejects.toThrow(
      /needs Java 17 or newer, and .* is Java 8: install a JDK 17\+/,
    );
  });

  it.skipIf(process.platform === 'win32')('accepts Java 17', async () => {
    await expect(checkJava(fakeJava('openjdk version "17.0.15" 2025-04-15'))).resolves.toBeUndefined();
  });

  it.skipIf(process.platform === 'win32')('names what to install when mvn is missing', async () => {
    await expect(checkTools({ java: fakeJava('openjdk version "21" 2023-09-19'), mvn: 'no-such-mvn-here' })).rejects.toThrow(
      /not found: install Maven/,
    );
  });
});

describe('the test prerequisites', () => {
  it('names each missing tool on a line of its own, with the command that installs it', async () => {
    const lines = await missingTestTools({ java: 'no-such-java-here', mvn: 'no-such-mvn-here', redis: 'no-such-redis-here' });
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^missing Java 17\+ \(not found\): apt-get install openjdk-17-jre-headless/);
    expect(lines[1]).toMatch(/^missing Maven .*: apt-get install maven/);
    expect(lines[2]).toMatch(/^missing redis-server .*: apt-get install redis-server/);
  });

  it.skipIf(process.platform === 'win32')('counts a Java older than 17 as missing, and nothing when all are there', async () => {
    const present = fakeJava('openjdk version "21" 2023-09-19');
    expect(await missingTestTools({ java: fakeJava('java version "1.8.0_292"'), mvn: present, redis: present })).toEqual([
      expect.stringMatching(/^missing Java 17\+ \('.*' is Java 8\): apt-get install/),
    ]);
    expect(await missingTestTools({ java: present, mvn: present, redis: present })).toEqual([]);
  });
});

describe('broker jars', () => {
  it('pins the log4j version each Kafka release was built with', () => {
    expect(log4jVersionFor('4.0.0')).toBe('2.24.3');
    expect(log4jVersionFor('4.1.1')).toBe('2.24.3');
    expect(log4jVersionFor('4.1.2')).toBe('2.25.3');
    expect(log4jVersionFor('4.2.0')).toBe('2.25.3');
    expect(log4jVersionFor('4.4.0')).toBe('2.25.5');
  });

  it('adds the SLF4J 1.x log4j binding next to kafka_2.13, all log4j jars at one version', () => {
    const pom = renderPom('4.1.1', '2.24.3');
    expect(pom).toContain('<artifactId>kafka_2.13</artifactId><version>4.1.1</version>');
    for (const artifact of ['log4j-api', 'log4j-core', 'log4j-slf4j-impl']) {
      expect(pom).toContain(`<artifactId>${artifact}</artifactId><version>2.24.3</version>`);
    }
    expect(pom).not.toContain('slf4j2');
  });
});
