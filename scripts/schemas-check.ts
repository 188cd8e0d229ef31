/**
 * `npm run schemas:check`: may the schemas in schemas/ be registered after the
 * registry's latest versions, under SCHEMA_COMPATIBILITY (default FORWARD)?
 * Exits 1 naming the event type and field of every incompatible change,
 * 2 when it cannot check. `--schemas-dir DIR` checks another folder.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../src/config.js';
import { createCatalogue } from '../src/contract/catalogue.js';
import { schemasDir } from '../src/paths.js';
import { checkCompatibility, describeVerdicts } from '../src/registry/compatibility.js';

const { values } = parseArgs({ options: { 'schemas-dir': { type: 'string', default: schemasDir } } });

try {
  const config = loadConfig();
  if (!config.schemaRegistry) {
    console.error('schemas:check needs SCHEMA_REGISTRY_URL (npx popp-bridge registry start runs a local one)');
    process.exit(2);
  }
  const { compatibility } = config.schemaRegistry;
  const catalogue = createCatalogue({ schemasDir: values['schemas-dir'], topicPrefix: config.topics.prefix });
  const verdicts = await checkCompatibility({
    registry: config.schemaRegistry,
    catalogue,
    logTopic: config.topics.eventLog,
    compatibility,
  });
  const { ok, lines } = describeVerdicts(verdicts, compatibility);
  for (const line of lines) console.log(line);
  console.log(
    ok ? `schemas are compatible under ${compatibility}.` : `incompatible schema changes under ${compatibility}: see FAIL above.`,
  );
  process.exit(ok ? 0 : 1);
} catch (error) {
  console.error(
    error instanceof ConfigError ? `configuration error: ${error.message}` : `schemas:check failed: ${(error as Error).message}`,
  );
  process.exit(2);
}
