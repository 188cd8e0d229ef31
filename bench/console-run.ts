/**
 * `npm run bench:console`: the console's events page on a log topic of a
 * million events (`-- --events N`; `--port P` for the bridge's admin port), the
 * same phase `npm run bench` ends with, and the search over the same log.
 */
import { parseArgs } from 'node:util';
import { testKafkaAdmin } from './admin.js';
import { consoleBench } from './console.js';
import { benchKafka } from './setup.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    requests: { type: 'string', default: '30' },
    port: { type: 'string', default: '3104' },
  },
});
const { brokers, stamp } = await benchKafka();
const prefix = `bench.${stamp}.console.`;
process.stdout.write(`console: filling ${prefix}events with ${values.events} events…`);
try {
  const result = await consoleBench({
    brokers,
    prefix,
    events: Number(values.events),
    port: Number(values.port),
    requests: Number(values.requests),
  });
  console.log(` done in ${result.fillSeconds} s`);
  console.log('| page | p50 ms | p95 ms | max ms | records examined |');
  console.log('|---|---:|---:|---:|---:|');
  for (const t of result.timings) console.log(`| ${t.name} | ${t.p50Ms} | ${t.p95Ms} | ${t.maxMs} | ${t.scanned} |`);
} finally {
  const admin = await testKafkaAdmin(brokers);
  await admin.deleteBenchTopics(prefix);
  await admin.close();
}
