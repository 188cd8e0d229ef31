import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runMaven } from './jars.js';
import { withLock } from './lock.js';
import { checkTools } from './tools.js';

/**
 * 3.0.x is the last line that runs on Java 17 (3.1 and later are built for
 * Java 21). Its Confluent-compatible API is `/apis/ccompat/v7`.
 */
export const DEFAULT_APICURIO_VERSION = '3.0.9';

/**
 * Newer dependency plugins read the artifact's POM, and Maven Central does not
 * serve the parent POM of apicurio-registry-app 3.0.9 (io.apicurio:apicurio-registry:3.0.9),
 * so they fail; 2.8 resolves the archive by its coordinates alone.
 */
const UNPACK_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:2.8';

export interface ApicurioOptions {
  home: string;
  version?: string;
  log?: (line: string) => void;
  java?: string;
  mvn?: string;
}

/**
 * Makes sure `<home>/apicurio-<version>/app` holds Apicurio Registry's
 * prebuilt Quarkus application (`io.apicurio:apicurio-registry-app:<version>:tar.gz:all`)
 * and returns the path of its runner jar. Fast when already done.
 */
export async function ensureApicurio(options: ApicurioOptions): Promise<string> {
  const version = options.version ?? DEFAULT_APICURIO_VERSION;
  if (!/^\d+\.\d+\.\d+(\.Final)?$/.test(version)) throw new Error(`not an Apicurio Registry version: ${version}`);
  const log = options.log ?? (() => {});
  const dir = join(options.home, `apicurio-${version}`);
  const app = join(dir, 'app');
  const marker = join(dir, '.complete');
  if (!existsSync(marker)) {
    await checkTools({ java: options.java ?? 'java', mvn: options.mvn ?? 'mvn' });
    await mkdir(dir, { recursive: true });
    const onWait = () => log('waiting for another process that is downloading Apicurio Registry…');
    await withLock(join(dir, 'download.lock'), { timeoutMs: 20 * 60_000, onWait }, async () => {
      if (existsSync(marker)) return;
      // Unpacked into a side folder and renamed at the end: a broken download never looks finished.
      const partial = join(dir, 'app.partial');
      await rm(partial, { recursive: true, force: true });
      log(`downloading Apicurio Registry ${version} (about 110 MB) from Maven Central with ${options.mvn ?? 'mvn'}`);
      const started = Date.now();
      const artifact = `io.apicurio:apicurio-registry-app:${version}:tar.gz:all`;
      const args = ['-B', `${UNPACK_PLUGIN}:unpack`, `-Dartifact=${artifact}`, `-DoutputDirectory=${partial}`];
      // Run in `dir`: without a project, the plugin writes its markers under a literal `${project.basedir}`
      // folder of the working directory, and skips an unpack that a marker says was done: clear them first.
      await rm(join(dir, '$' + '{project.basedir}'), { recursive: true, force: true });
      await runMaven(options.mvn ?? 'mvn', args, log, `Apicurio Registry ${version}`, dir);
      await rm(app, { recursive: true, force: true });
      await rename(partial, app);
      await writeFile(marker, `${JSON.stringify({ apicurio: version, at: new Date().toISOString() })}\n`);
      log(`Apicurio Registry ${version} ready in ${app} (${Math.round((Date.now() - started) / 1000)} s)`);
    });
  }
  const runner = (await readdir(app)).find((name) => name.endsWith('-runner.jar'));
  if (!runner) throw new Error(`no *-runner.jar in ${app}: delete ${dir} and start again`);
  return join(app, runner);
}
