import { createLocalRedis } from '../devstack/redis.js';
import { devstackHome } from '../paths.js';
import { localServiceCommand } from './local-service.js';

/** `popp-bridge redis start|stop|status`: the local Redis for DEDUPE_STORE=redis (development and tests). */
export function redisCommand(action: string | undefined, print: (line: string) => void): Promise<number> {
  const redis = createLocalRedis({ home: devstackHome, log: (line) => print(`  ${line}`) });
  return localServiceCommand({ command: 'redis', name: 'Redis', address: `REDIS_URL=${redis.url}`, service: redis }, action, print);
}
