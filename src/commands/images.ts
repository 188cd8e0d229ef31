import { buildImages } from '../images/build.js';
import { builtInputs, createDockerCli } from '../images/docker.js';
import { LOCAL_IMAGES, type LocalImage } from '../images/names.js';
import { devstackHome, projectRoot } from '../paths.js';

/**
 * `popp-bridge images build [NAME...]|status`: the images for the tests and
 * compose, built here from Debian packages with no registry; each reused
 * until its inputs change (docs/guides/containers.md).
 */
export async function imagesCommand(args: string[], print: (line: string) => void): Promise<number> {
  const [action, ...names] = args;
  const docker = createDockerCli();
  const known = Object.keys(LOCAL_IMAGES) as LocalImage[];
  const unknown = names.filter((name) => !known.includes(name as LocalImage));
  if (action === 'build' && unknown.length === 0) {
    const started = Date.now();
    const only = names.length > 0 ? (names as LocalImage[]) : undefined;
    const built = await buildImages({
      docker,
      root: projectRoot,
      home: devstackHome,
      log: (line) => print(`  ${line}`),
      ...(only && { only }),
    });
    const fresh = built.filter((image) => !image.reused).map((image) => image.image);
    print(
      `images ready in ${Math.round((Date.now() - started) / 1000)} s: ${fresh.length > 0 ? `built ${fresh.join(', ')}` : 'all reused'}`,
    );
    return 0;
  }
  if (action === 'status' && names.length === 0) {
    for (const name of known) {
      const inputs = await builtInputs(docker, LOCAL_IMAGES[name]);
      print(`${LOCAL_IMAGES[name].padEnd(36)} ${inputs ? `built (inputs ${inputs.slice(0, 12)})` : 'not built'}`);
    }
    return 0;
  }
  if (unknown.length > 0) print(`unknown image: ${unknown.join(', ')} (known: ${known.join(', ')})`);
  print(`usage: popp-bridge images build [${known.join('|')}...]|status`);
  return 2;
}
