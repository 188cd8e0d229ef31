import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { downloadOnce, type FetchOptions, fetchPlan, runMaven } from './maven.js';

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

export interface ApicurioOptions extends FetchOptions {
  version?: string;
}

/**
 * Makes sure `<home>/apicurio-<version>/app` holds Apicurio Registry's
 * prebuilt Quarkus application (`io.apicurio:apicurio-registry-app:<version>:tar.gz:all`)
 * and returns the path of its runner jar. Fast when already done.
 */
export async function ensureApicurio(options: ApicurioOptions): Promise<string> {
  const version = options.version ?? DEFAULT_APICURIO_VERSION;
  const { log, mvn, dir, tools } = fetchPlan(options, 'apicurio', version, /^\d+\.\d+\.\d+(\.Final)?$/, 'Apicurio Registry');
  const app = join(dir, 'app');
  const what = `Apicurio Registry ${version}`;
  await downloadOnce({ dir, target: app, what, tools, log }, async (partial) => {
    log(`downloading ${what} (about 110 MB) from Maven Central with ${mvn}`);
    const started = Date.now();
    const artifact = `io.apicurio:apicurio-registry-app:${version}:tar.gz:all`;
    const args = ['-B', `${UNPACK_PLUGIN}:unpack`, `-Dartifact=${artifact}`, `-DoutputDirectory=${partial}`];
    // Run in `dir`: without a project, the plugin writes its markers under a literal `${project.basedir}`
    // folder of the working directory, and skips an unpack that a marker says was done: clear them first.
    await rm(join(dir, '$' + '{project.basedir}'), { recursive: true, force: true });
    await runMaven(mvn, args, log, what, dir);
    log(`${what} ready in ${app} (${Math.round((Date.now() - started) / 1000)} s)`);
    return { apicurio: version };
  });
  const runner = (await readdir(app)).find((name) => name.endsWith('-runner.jar'));
  if (!runner) throw new Error(`no *-runner.jar in ${app}: delete ${dir} and start again`);
  return join(app, runner);
}
