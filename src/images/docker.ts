import { spawn } from 'node:child_process';
import { INPUTS_LABEL } from './names.js';

/** The docker CLI, the one side effect of the image builds; the tests may pass their own. */
export interface DockerCli {
  /** Runs `docker <args>`; stdout is returned, stderr becomes part of the error; `input` goes to stdin. */
  run(args: string[], options?: { input?: NodeJS.ReadableStream; onLine?: (line: string) => void }): Promise<string>;
}

export function createDockerCli(command = 'docker'): DockerCli {
  return {
    run: (args, options = {}) =>
      new Promise((resolve, reject) => {
        const child = spawn(command, args, { stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
        let stdout = '';
        const tail: string[] = [];
        const keep = (chunk: Buffer, print: boolean) => {
          for (const line of chunk.toString('utf8').split('\n')) {
            if (!line.trim()) continue;
            tail.push(line);
            if (tail.length > 20) tail.shift();
            if (print) options.onLine?.(line);
          }
        };
        child.stdout?.on('data', (chunk: Buffer) => {
          stdout += chunk.toString('utf8');
          keep(chunk, true);
        });
        child.stderr?.on('data', (chunk: Buffer) => keep(chunk, true));
        if (options.input && child.stdin) options.input.pipe(child.stdin);
        child.on('error', (error) => reject(new Error(`${command} could not run: ${error.message}`)));
        child.on('close', (code) => {
          if (code === 0) resolve(stdout);
          else reject(new Error(`${command} ${args[0]} failed (exit ${code}):\n${tail.join('\n')}`));
        });
      }),
  };
}

/** The inputs hash an image was built from, or undefined when there is no such image. */
export async function builtInputs(docker: DockerCli, image: string): Promise<string | undefined> {
  try {
    const out = await docker.run(['image', 'inspect', '--format', `{{ index .Config.Labels "${INPUTS_LABEL}" }}`, image]);
    return out.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The image's id, which the images built on it hash in, so a rebuilt base rebuilds them. */
export async function imageId(docker: DockerCli, image: string): Promise<string> {
  return (await docker.run(['image', 'inspect', '--format', '{{ .Id }}', image])).trim();
}
