import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { uniqueGroup } from '../support/consumer.js';
import { conversation, documentUploaded, SECRET } from '../support/events.js';
import { uniquePrefix } from '../support/kafka.js';
import { bridgeOnly, modulesLoadedBy } from '../support/module-probe.js';
import { packProject, scratchProject, sh } from '../support/scratch-project.js';

const brokers = inject('kafkaBrokers');

/** Uses a field of a scheduling event on a DOCUMENT_UPLOADED: the generated types must refuse it, twice. */
const WRONG_FIELD = `import { defineHandlers } from 'popp-bridge/consumer';
import type { EventOf } from 'popp-bridge/events';

export const title = (event: EventOf<'DOCUMENT_UPLOADED'>) => event.data.meetingDetails;
export const handlers = defineHandlers({ DOCUMENT_UPLOADED: ({ data }) => console.log(data.meetingDetails) });
`;

describe('the packed package, installed in a project outside the repository', () => {
  let work: string;
  let project: string;
  let bridge: TestBridge;
  const seconds: Record<string, number> = {};
  const timed = async <T>(name: string, step: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await step();
    } finally {
      seconds[name] = Math.round(performance.now() - start) / 1000;
    }
  };
  const tsc = (config: string) => sh(process.execPath, [join(project, 'node_modules/typescript/bin/tsc'), '-p', config], project);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'popp-pack-'));
    const tarball = await timed('pack', () => packProject(work));
    project = await timed('install', () => scratchProject(tarball));
    mkdirSync(join(project, 'src'));
    mkdirSync(join(project, 'wrong'));
    for (const file of ['service.ts', 'send.ts']) cpSync(join(projectRoot, 'test/support/downstream', file), join(project, 'src', file));
    writeFileSync(join(project, 'wrong/wrong-field.ts'), WRONG_FIELD);
    writeFileSync(
      join(project, 'tsconfig.wrong.json'),
      JSON.stringify({ extends: './tsconfig.json', compilerOptions: { noEmit: true, rootDir: '.' }, include: ['wrong'] }),
    );
    bridge = await startTestBridge(brokers, uniquePrefix('downstream'), { PORT: '44020', ADMIN_PORT: '44021' });
  }, 600_000);
  afterAll(async () => {
    await bridge?.close();
    console.log(`package install test, seconds: ${JSON.stringify(seconds)}`);
    if (work) rmSync(work, { recursive: true, force: true });
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('compiles a service importing createConsumer, defineHandlers and EventOf (strict, NodeNext, skipLibCheck off)', async () => {
    await timed('typecheck', () => tsc('tsconfig.json'));
    expect(existsSync(join(project, 'build/service.js'))).toBe(true);
    expect(existsSync(join(project, 'build/send.js'))).toBe(true);
  }, 120_000);

  it('refuses to compile a field of another event type', async () => {
    const failure = (await tsc('tsconfig.wrong.json').then(
      () => undefined,
      (error: unknown) => error,
    )) as { stdout: string } | undefined;
    expect(failure).toBeDefined();
    const errors = (failure?.stdout ?? '').split('\n').filter((line) => line.includes('error TS'));
    expect(errors).toHaveLength(2);
    for (const error of errors) {
      expect(error).toMatch(
        /^wrong\/wrong-field\.ts\(\d+,\d+\): error TS2339: Property 'meetingDetails' does not exist on type '.*DocumentUploadedData/,
      );
    }
  }, 120_000);

  it('loads nothing of the bridge that runs when the service imports the SDK', () => {
    const loaded = modulesLoadedBy('popp-bridge/consumer', { cwd: project });
    expect(loaded.some((module) => module.includes('/node_modules/popp-bridge/dist/src/consumer/consumer.js'))).toBe(true);
    expect(bridgeOnly(loaded, join(project, 'node_modules/popp-bridge'))).toEqual([]);
  });

  it("consumes the events the bridge published, one of them sent with the package's signer", async () => {
    const upload = documentUploaded({ recordId: 'conv_downstream' });
    const started = conversation('CONVERSATION_STARTED', 'conv_downstream');
    for (const event of [upload, started]) expect((await bridge.post(event)).status).toBe(200);
    const sent = await sh(process.execPath, ['build/send.js', bridge.bridge.url, SECRET, 'conv_downstream'], project);
    const signed = JSON.parse(sent.stdout) as { eventId: string; status: number; body: { status: string } };
    expect([signed.status, signed.body.status]).toEqual([200, 'published']);

    const env = { KAFKA_BROKERS: brokers.join(','), TOPIC_PREFIX: bridge.prefix, GROUP: uniqueGroup('downstream') };
    const { stdout } = await timed('consume', () => sh(process.execPath, ['build/service.js'], project, env));
    const lines = stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => line.consumed)).toEqual(
      expect.arrayContaining([
        { consumed: upload.eventId, type: 'DOCUMENT_UPLOADED', upload: 'conv_downstream/att_1 cv.pdf (application/pdf)' },
        { consumed: started.eventId, type: 'CONVERSATION_STARTED', category: 'conversation' },
        expect.objectContaining({ consumed: signed.eventId, type: 'DOCUMENT_UPLOADED' }),
      ]),
    );
    expect(lines.at(-1)).toEqual({ stats: expect.objectContaining({ handled: 3, deadLettered: 0 }) });
  }, 120_000);
});
