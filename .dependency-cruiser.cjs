/**
 * The layers of docs/layers.md, checked by `npm run lint`. Lower layers never
 * import higher ones; the consumer SDK stays apart from the bridge's internals.
 */
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
      name: 'config-stands-alone',
      severity: 'error',
      comment: 'the configuration reads the environment and nothing of the bridge',
      from: { path: '^src/config(\\.ts$|/)' },
      to: { path: '^src/', pathNot: '^src/config(\\.ts$|/)' },
    },
    {
      name: 'devstack-stands-alone',
      severity: 'error',
      comment: 'the local services know nothing of the bridge',
      from: { path: '^src/devstack/' },
      to: { path: '^src/', pathNot: '^src/(devstack/|paths\\.ts$)' },
    },
    {
      name: 'kafka-below-the-pipeline',
      // A warning until the record contract has its own module (src/contract/): the back edges it removes are listed by lint.
      severity: 'warn',
      comment: 'kafka/ serves the webhook pipeline, the commands and the SDK; it imports none of them',
      from: { path: '^src/kafka/' },
      to: { path: '^src/(webhook|consumer|commands|cli|devstack|config)(/|\\.ts$)' },
    },
    {
      name: 'events-below-kafka-and-webhook',
      // A warning until the record contract has its own module (src/contract/): the back edges it removes are listed by lint.
      severity: 'warn',
      comment: 'the event catalogue is read by kafka/, webhook/ and the SDK; it imports none of them',
      from: { path: '^src/events/' },
      to: { path: '^src/(kafka|webhook|consumer|commands|cli|devstack|config)(/|\\.ts$)' },
    },
    {
      name: 'webhook-below-entry-points',
      severity: 'error',
      comment: 'the pipeline stages are wired by server.ts and the commands',
      from: { path: '^src/webhook/' },
      to: { path: '^src/(consumer|commands|cli|devstack)/' },
    },
    {
      name: 'sdk-imports-only-the-contract',
      // A warning until the record contract has its own module (src/contract/): the back edges it removes are listed by lint.
      severity: 'warn',
      comment: 'the consumer SDK: the contract, the generated types and its own files',
      from: { path: '^src/consumer/' },
      to: { path: '^(src|generated)/', pathNot: '^(src/consumer/|src/contract/|generated/)' },
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
