import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
await import(process.argv[2]);
const esm = readFileSync(process.env.PROBE_LOG, 'utf8').split('\n').filter(Boolean);
const cjs = Object.keys(createRequire(import.meta.url).cache);
console.log(JSON.stringify([...esm, ...cjs]));
