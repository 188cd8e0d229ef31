#!/usr/bin/env node
// The compiled CLI (npm ci and npm start build dist/ first).
import { main } from '../dist/src/cli/main.js';

const code = await main(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
