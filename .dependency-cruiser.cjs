/**
 * The layers of docs/layers.md, checked by `npm run lint`. Lower layers never
 * import higher ones; the consumer SDK stays apart from the bridge's internals.
 */

/** `src/<name>/…` or `src/<name>.ts`, for each name: a folder and the file beside it of the same name. */
const layer = (...names) => `^src/(${names.join('|')})(/|\\.ts$)`;

const ENTRY_POINTS = ['commands', 'cli', 'server', 'app', 'console', 'admin'];

module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'a cycle has no bottom layer', from: {}, to: { circular: true } },
    {
      name: 'commands-only-from-cli',
      severity: 'error',
      comment: 'commands are entry points: only the CLI (and other commands) run them',
      from: { path: '^src/', pathNot: '^src/(cli|commands)/' },
      to: { path: '^src/commands/' },
    },
    {
      name: 'server-from-entry-points',
      severity: 'error',
      comment: 'server.ts wires the real parts; only the serve command starts it',
      from: { path: '^src/', pathNot: '^src/(commands/|server\\.ts$)' },
      to: { path: '^src/(server|app)\\.ts$' },
    },
    {
      name: 'contract-at-the-bottom',
      severity: 'error',
      comment: 'the contract is what every writer and reader of the topics shares: it imports only the generated types and paths.ts',
      from: { path: '^src/contract/' },
      to: { path: '^(src|generated)/', pathNot: '^(src/contract/|generated/|src/paths\\.ts$)' },
    },
    {
      name: 'config-stands-alone',
      severity: 'error',
      comment: 'the configuration reads the environment; of the bridge it knows only the contract (its defaults)',
      from: { path: layer('config') },
      to: { path: '^src/', pathNot: `${layer('config')}|^src/contract/` },
    },
    {
      name: 'devstack-stands-alone',
      severity: 'error',
      comment: 'the local services know nothing of the bridge (the disk layer knows nothing of it either)',
      from: { path: '^src/devstack/' },
      to: { path: '^src/', pathNot: '^src/(devstack/|disk/|paths\\.ts$)' },
    },
    {
      name: 'disk-at-the-bottom',
      severity: 'error',
      comment: "checked frames, fsync and directory locks serve the spool's journal and the dedupe store's: they know neither",
      from: { path: '^src/disk/' },
      to: { path: '^(src|generated)/', pathNot: '^src/(disk/|config/declare\\.ts$)' },
    },
    {
      name: 'images-stand-alone',
      severity: 'error',
      comment: 'the local Docker images are built from files and the devstack jars; they know nothing of the bridge',
      from: { path: '^src/images/' },
      to: { path: '^src/', pathNot: '^src/(images/|devstack/|paths\\.ts$)' },
    },
    {
      name: 'testing-for-tests-only',
      severity: 'error',
      comment: 'the Testcontainers helpers serve tests (ours and downstream ones); nothing the bridge runs imports them',
      from: { path: '^src/', pathNot: '^src/testing/' },
      to: { path: '^src/testing/' },
    },
    {
      name: 'events-above-the-contract-only',
      severity: 'error',
      comment: 'what is made from the catalogue (AsyncAPI, samples, schema diffs) reads the contract and nothing else of the bridge',
      from: { path: '^src/events/' },
      to: { path: layer('kafka', 'registry', 'dedupe', 'webhook', 'spool', 'replay', 'consumer', 'devstack', 'config', ...ENTRY_POINTS) },
    },
    {
      name: 'kafka-below-the-pipeline',
      severity: 'error',
      comment: 'kafka/ serves the webhook pipeline, the commands and the SDK; it imports none of them',
      from: { path: '^src/kafka/' },
      to: { path: layer('events', 'registry', 'dedupe', 'webhook', 'spool', 'replay', 'consumer', 'devstack', 'config', ...ENTRY_POINTS) },
    },
    {
      name: 'registry-below-the-pipeline',
      severity: 'error',
      comment: 'the schema registry client and codec are used by the pipeline and the replay; they import neither',
      from: { path: '^src/registry/' },
      to: { path: layer('kafka', 'dedupe', 'webhook', 'spool', 'replay', 'consumer', 'devstack', 'config', ...ENTRY_POINTS) },
    },
    {
      name: 'dedupe-below-the-pipeline',
      severity: 'error',
      comment: 'the dedupe stores know eventIds, not webhooks or Kafka',
      from: { path: '^src/dedupe/' },
      to: { path: layer('events', 'kafka', 'registry', 'webhook', 'spool', 'replay', 'consumer', 'devstack', ...ENTRY_POINTS) },
    },
    {
      name: 'webhook-below-entry-points',
      severity: 'error',
      comment: 'the pipeline stages are wired by server.ts and the commands',
      from: { path: '^src/webhook/' },
      to: { path: layer('spool', 'replay', 'consumer', 'devstack', ...ENTRY_POINTS) },
    },
    {
      name: 'replay-below-entry-points',
      severity: 'error',
      comment: 'the replay is run by its command and the console; it imports neither, nor the SDK',
      from: { path: '^src/replay/' },
      to: { path: layer('consumer', 'devstack', ...ENTRY_POINTS) },
    },
    {
      name: 'spool-below-entry-points',
      severity: 'error',
      comment: "the spool wraps the route's delivery and is wired by server.ts; it imports neither the replay, the SDK nor an entry point",
      from: { path: '^src/spool/' },
      to: { path: layer('replay', 'consumer', 'devstack', ...ENTRY_POINTS) },
    },
    {
      name: 'telemetry-knows-only-the-contract',
      comment: 'tracing is a narrow interface the pipeline is handed: it imports the contract and nothing else of the bridge',
      severity: 'error',
      from: { path: '^src/telemetry/' },
      to: { path: '^(src|generated)/', pathNot: '^(src/telemetry/|src/contract/)' },
    },
    {
      name: 'sdk-imports-only-the-contract',
      severity: 'error',
      comment:
        'the consumer SDK: the contract, the generated types, its own files, and the one Kafka factory (every producer of the project comes from it)',
      from: { path: '^src/consumer/' },
      to: { path: '^(src|generated)/', pathNot: '^(src/consumer/|src/contract/|generated/|src/kafka/client\\.ts$)' },
    },
    {
      name: 'testing-helpers-stand-alone',
      severity: 'error',
      comment:
        "popp-bridge/testing signs and samples events for a downstream service's tests, and starts the bridge's images: the signature, the samples, the contract and the image names, nothing that runs the bridge",
      from: { path: '^src/testing/' },
      to: {
        path: '^(src|generated)/',
        pathNot:
          '^(src/testing/|src/contract/|generated/|src/webhook/verify\\.ts$|src/events/samples\\.ts$|src/paths\\.ts$|src/images/names\\.ts$|src/disk/lock\\.ts$)',
      },
    },
    {
      name: 'examples-import-the-package',
      severity: 'error',
      comment:
        'the examples are what a downstream repository writes: they import the bridge by its package names (popp-bridge/consumer, popp-bridge/events, popp-bridge/testing), never a path into src/ or generated/',
      from: { path: '^examples/' },
      to: { path: '^(src|generated)/', dependencyTypesNot: ['aliased-tsconfig'] },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count: a type from a higher layer is a back edge too.
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
  },
};
