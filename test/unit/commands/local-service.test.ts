import { describe, expect, it } from 'vitest';
import { type LocalService, localServiceCommand } from '../../../src/commands/local-service.js';

/** An in-memory LocalService (our own interface). */
function fakeService(): LocalService & { running: boolean } {
  const state = {
    running: false,
    async start() {
      const reused = state.running;
      state.running = true;
      return { reused };
    },
    async stop() {
      state.running = false;
    },
    async status() {
      return { running: state.running, ...(state.running && { pid: 42 }), logFile: '/tmp/x.log' };
    },
  };
  return state;
}

describe('the start|stop|status command of a local service', () => {
  const run = async (service: LocalService, action: string | undefined) => {
    const lines: string[] = [];
    const code = await localServiceCommand(
      { command: 'kafka', name: 'Kafka', address: 'KAFKA_BROKERS=127.0.0.1:9092', service },
      action,
      (l) => lines.push(l),
    );
    return { code, lines };
  };

  it('starts, then says it reuses, reports status with exit 0 running and 3 stopped, and stops', async () => {
    const service = fakeService();
    expect(await run(service, 'status')).toEqual({ code: 3, lines: ['Kafka is not running.', '  log: /tmp/x.log'] });
    expect(await run(service, 'start')).toEqual({ code: 0, lines: ['Kafka started: KAFKA_BROKERS=127.0.0.1:9092'] });
    expect((await run(service, 'start')).lines).toEqual(['Kafka is already running: KAFKA_BROKERS=127.0.0.1:9092']);
    expect((await run(service, 'status')).code).toBe(0);
    expect(await run(service, 'stop')).toEqual({ code: 0, lines: ['Kafka stopped.'] });
    expect(service.running).toBe(false);
  });

  it('prints its usage and exits 2 on anything else', async () => {
    expect(await run(fakeService(), 'restart')).toEqual({ code: 2, lines: ['usage: popp-bridge kafka start|stop|status'] });
    expect((await run(fakeService(), undefined)).code).toBe(2);
  });
});
