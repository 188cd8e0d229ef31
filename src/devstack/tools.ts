import { execFile } from 'node:child_process';

/** The local broker needs a JDK 17+ (Kafka 4.x's broker requirement) and Maven to fetch the jars. */
export const MIN_JAVA = 17;

export interface Tools {
  java: string;
  mvn: string;
}

/**
 * The major version from `java -version` output, which goes to stderr and
 * varies by vendor: `openjdk version "17.0.15"`, `java version "1.8.0_292"`
 * (old scheme: the major is the second number), `openjdk version "21" 2023-09-19`.
 */
export function parseJavaMajor(output: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(output);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

/** Fails with one line saying what to install; checked before every start, since a JDK can be swapped under us. */
export async function checkJava(java: string): Promise<void> {
  const result = await run(java, ['-version']);
  if (result.missing) {
    throw new Error(
      `the local Kafka broker needs Java ${MIN_JAVA} or newer, and '${java}' was not found: install a JDK ${MIN_JAVA}+ (e.g. apt-get install openjdk-17-jre-headless, brew install openjdk@17) or set KAFKA_BROKERS`,
    );
  }
  const major = parseJavaMajor(result.output);
  if (major === undefined || major < MIN_JAVA) {
    throw new Error(
      `the local Kafka broker needs Java ${MIN_JAVA} or newer, and '${java}' is ${major === undefined ? 'of unknown version' : `Java ${major}`}: install a JDK ${MIN_JAVA}+ or set KAFKA_BROKERS`,
    );
  }
}

/** Before minutes are spent downloading: both tools, each failure in one line. */
export async function checkTools(tools: Tools): Promise<void> {
  await checkJava(tools.java);
  const mvn = await run(tools.mvn, ['-v']);
  if (mvn.missing) {
    throw new Error(
      `the local Kafka broker is fetched with Maven, and '${tools.mvn}' was not found: install Maven 3.6+ (e.g. apt-get install maven, brew install maven) or set KAFKA_BROKERS`,
    );
  }
}

/** What the integration tests start on their own (brokers, the registry, Redis), with the command that installs each. */
export const TEST_TOOLS = {
  java: { what: `Java ${MIN_JAVA}+`, install: 'apt-get install openjdk-17-jre-headless (macOS: brew install openjdk@17)' },
  mvn: { what: 'Maven', install: 'apt-get install maven (macOS: brew install maven)' },
  redis: { what: 'redis-server', install: 'apt-get install redis-server (macOS: brew install redis)' },
} as const;

/**
 * One line per missing or too old tool, each with its install command; empty
 * when everything is there. Asked before the tests start, so a missing tool
 * is named instead of failing deep inside a start.
 */
export async function missingTestTools(commands = { java: 'java', mvn: 'mvn', redis: 'redis-server' }): Promise<string[]> {
  const [java, mvn, redis] = await Promise.all([
    run(commands.java, ['-version']),
    run(commands.mvn, ['-v']),
    run(commands.redis, ['--version']),
  ]);
  const lines: string[] = [];
  const major = java.missing ? undefined : parseJavaMajor(java.output);
  if (major === undefined || major < MIN_JAVA) {
    const found = java.missing ? 'not found' : `'${commands.java}' is ${major === undefined ? 'of unknown version' : `Java ${major}`}`;
    lines.push(`missing ${TEST_TOOLS.java.what} (${found}): ${TEST_TOOLS.java.install}`);
  }
  if (mvn.missing) lines.push(`missing ${TEST_TOOLS.mvn.what} ('${commands.mvn}' not found): ${TEST_TOOLS.mvn.install}`);
  if (redis.missing) lines.push(`missing ${TEST_TOOLS.redis.what} ('${commands.redis}' not found): ${TEST_TOOLS.redis.install}`);
  return lines;
}

function run(command: string, args: string[]): Promise<{ missing: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 30_000 }, (error, stdout, stderr) => {
      const missing = (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
      resolve({ missing, output: `${stderr}\n${stdout}` });
    });
  });
}
