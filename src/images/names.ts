import { DEFAULT_KAFKA_VERSION } from '../devstack/jars.js';

/**
 * The images `popp-bridge images` builds here from Debian packages, with no
 * registry. Each carries a label with a hash of what it was built from, so a
 * build reuses an image until its inputs change (docs/guides/containers.md).
 */
export const LOCAL_IMAGES = {
  /** Debian trixie minbase: debootstrap, then docker import. */
  base: 'popp-bridge-local/base:trixie',
  /** Node.js 20 and npm from Debian on the base, with the `node` user: the bridge's Dockerfile builds FROM it here. */
  node: 'popp-bridge-local/node:20',
  /** Kafka in KRaft mode on the base: Debian's JRE and the jars the local broker fetches from Maven Central. */
  kafka: `popp-bridge-local/kafka:${DEFAULT_KAFKA_VERSION}`,
  /** The project's own Dockerfile, built FROM the local base instead of node:20-slim. */
  bridge: 'popp-bridge-local/bridge:latest',
} as const;

export type LocalImage = keyof typeof LOCAL_IMAGES;

/** The label holding the hash of an image's inputs. */
export const INPUTS_LABEL = 'popp-bridge.inputs';
