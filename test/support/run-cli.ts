// The CLI from source, for tests that need the bridge as a real process of its own (signals, SIGKILL).
import { main } from '../../src/cli/main.js';

const code = await main(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
