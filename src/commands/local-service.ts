/** What the devstack's broker, registry and Redis have in common. */
export interface LocalService {
  start(): Promise<{ reused: boolean }>;
  stop(): Promise<void>;
  /** `pid`: one, or several (a cluster's nodes) as text. */
  status(): Promise<{ running: boolean; pid?: number | string; logFile: string }>;
}

/**
 * `popp-bridge <command> start|stop|status` for one local service: the same
 * words, exit codes (status: 0 running, 3 not) and output for each.
 */
export async function localServiceCommand(
  service: { command: string; name: string; address: string; service: LocalService },
  action: string | undefined,
  print: (line: string) => void,
): Promise<number> {
  const { command, name, address } = service;
  switch (action) {
    case 'start': {
      const { reused } = await service.service.start();
      print(`${name} ${reused ? 'is already running' : 'started'}: ${address}`);
      return 0;
    }
    case 'stop':
      await service.service.stop();
      print(`${name} stopped.`);
      return 0;
    case 'status': {
      const status = await service.service.status();
      print(status.running ? `${name} is running: ${address} (pid ${status.pid})` : `${name} is not running.`);
      print(`  log: ${status.logFile}`);
      return status.running ? 0 : 3;
    }
    default:
      print(`usage: popp-bridge ${command} start|stop|status`);
      return 2;
  }
}
