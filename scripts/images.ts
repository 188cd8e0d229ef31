// `npm run images [-- NAME...]`: the local Docker images, from the sources (no dist/ build needed first).
import { main } from '../src/cli/main.js';

process.exitCode = await main(['images', 'build', ...process.argv.slice(2)]);
