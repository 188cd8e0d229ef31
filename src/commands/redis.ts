import { createLocalRedis } from '../devstack/redis.js';
import { devstackHome } from '../paths.js';

/** `popp-bridge redis start|stop|status`: the local Redis for DEDUPE_STORE=redis (development and tests). */
export async function redisCommand(action: string | undefined, print: (line: string) => void): Promise<number> {
  const redis = createLocalRedis({ home: devstackHome, log: (line) => print(`  ${line}`) });
  switch (action) {
    case 'start': {
      const { url, reused } = await redis.start();
      print(`Redis ${reused ? 'is already running' : 'started'} at ${url}`);
      return 0;
    }
    case 'stop':
      await redis.stop();
      print('Redis stopped.');
      return 0;
    case 'status': {
      const status = await redis.status();
      print(status.running ? `Redis is running at ${status.url} (pid ${status.pid})` : 'Redis is not running.');
      print(`  log: ${status.logFile}`);
      return status.running ? 0 : 3;
    }
    default:
      print('usage: popp-bridge redis start|stop|status');
      return 2;
  }
}
