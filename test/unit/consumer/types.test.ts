import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  CalendarMeetingScheduledData,
  ConversationStartedData,
  DocumentUploadedData,
  DocumentUploadedEvent,
  EventType,
  EventTypeIn,
  MeetingDetails,
  PoppEvent,
} from '../../../generated/events.js';
import { type AnyConsumedEvent, type ConsumedEvent, type ConsumedEventIn, defineHandlers } from '../../../src/consumer/index.js';
import { projectRoot } from '../../../src/paths.js';

const use = (_value: unknown) => {};

/*
 * The negative cases below are proved by `npm run typecheck` (tsc, run by CI):
 * a `@ts-expect-error` with no error under it is itself an error. The last
 * test also compiles a wrong handler and reads the compiler's exact complaint.
 */
describe('the typed handler map', () => {
  it('gives each handler the envelope and data type of its own event, no casts', () => {
    const handlers = defineHandlers({
      DOCUMENT_UPLOADED: (event) => {
        expectTypeOf(event.type).toEqualTypeOf<'DOCUMENT_UPLOADED'>();
        expectTypeOf(event.event).toEqualTypeOf<DocumentUploadedEvent>();
        expectTypeOf(event.data).toEqualTypeOf<DocumentUploadedData>();
        expectTypeOf(event.data.classifiedDocumentTypes).toEqualTypeOf<string[] | undefined>();
        expectTypeOf(event.offset).toEqualTypeOf<string>();
      },
      CONVERSATION_STARTED: (event) => {
        expectTypeOf(event.data).toEqualTypeOf<ConversationStartedData>();
      },
    });
    expect(Object.keys(handlers)).toEqual(['DOCUMENT_UPLOADED', 'CONVERSATION_STARTED']);
  });

  it('narrows the union of any event on its type', () => {
    const label = (event: AnyConsumedEvent): string => {
      switch (event.type) {
        case 'DOCUMENT_UPLOADED':
          return event.data.fileName;
        default:
          expectTypeOf(event.type).toEqualTypeOf<Exclude<EventType, 'DOCUMENT_UPLOADED'>>();
          return event.recordId;
      }
    };
    expectTypeOf(label).parameter(0).toHaveProperty('event').toEqualTypeOf<PoppEvent>();
  });

  it('gives a category handler the union of its types, narrowed on the type', () => {
    const handlers = defineHandlers({
      scheduling: (event) => {
        expectTypeOf(event).toEqualTypeOf<ConsumedEventIn<'scheduling'>>();
        expectTypeOf(event.type).toEqualTypeOf<EventTypeIn<'scheduling'>>();
        if (event.type === 'CALENDAR_MEETING_SCHEDULED') {
          expectTypeOf(event.data).toEqualTypeOf<CalendarMeetingScheduledData>();
          expectTypeOf(event.data.meetingDetails).toEqualTypeOf<MeetingDetails>();
        }
        // @ts-expect-error DOCUMENT_UPLOADED is not a scheduling event
        if (event.type === 'DOCUMENT_UPLOADED') use(event);
      },
      DOCUMENT_UPLOADED: (event) => {
        expectTypeOf(event.type).toEqualTypeOf<'DOCUMENT_UPLOADED'>();
      },
    });
    expectTypeOf<EventTypeIn<'document'>>().toEqualTypeOf<'DOCUMENT_UPLOADED'>();
    expect(Object.keys(handlers)).toEqual(['scheduling', 'DOCUMENT_UPLOADED']);
    // @ts-expect-error no such category
    defineHandlers({ calendar: () => {} });
  });

  it('rejects, at compile time, a handler using a field of another event type, an unknown type, or the wrong event type', () => {
    // Checked by tsc (npm run typecheck): each line below must fail to compile.
    defineHandlers({
      CONVERSATION_STARTED: (event) => {
        // @ts-expect-error fileName is a field of DOCUMENT_UPLOADED, not of CONVERSATION_STARTED
        use(event.data.fileName);
      },
    });
    // @ts-expect-error a handler written for another event type does not fit this key
    defineHandlers({ CONVERSATION_COMPLETED: (event: ConsumedEvent<'DOCUMENT_UPLOADED'>) => use(event) });
    // @ts-expect-error no such event type
    defineHandlers({ DOCUMENT_UPLOAD: () => {} });

    // And the compiler's own words for the same three handlers.
    expect(
      compile({
        field: 'defineHandlers({ CONVERSATION_STARTED: (event) => { console.log(event.data.fileName); } });',
        wrongType: "defineHandlers({ CONVERSATION_COMPLETED: (event: ConsumedEvent<'DOCUMENT_UPLOADED'>) => {} });",
        unknownType: 'defineHandlers({ DOCUMENT_UPLOAD: () => {} });',
      }),
    ).toEqual({
      field: ["Property 'fileName' does not exist on type 'ConversationStartedData'."],
      wrongType: [expect.stringMatching(/Type '"CONVERSATION_COMPLETED"' is not assignable to type '"DOCUMENT_UPLOADED"'/)],
      unknownType: [expect.stringMatching(/'DOCUMENT_UPLOAD' does not exist in type 'Handlers'/)],
    });
  }, 30_000); // builds a TypeScript program: seconds, not milliseconds
});

/** Type-checks each snippet as a module of this folder, with the project's compiler options; its error messages. */
function compile(snippets: Record<string, string>): Record<string, string[]> {
  const header = "import { defineHandlers, type ConsumedEvent } from '../../../src/consumer/index.js';\n";
  const path = (name: string) => join(projectRoot, `test/unit/consumer/${name}.snippet.ts`);
  const files = new Map(Object.entries(snippets).map(([name, code]) => [path(name), header + code]));
  const tsconfig = ts.readConfigFile(join(projectRoot, 'tsconfig.json'), ts.sys.readFile).config;
  const options = { ...ts.convertCompilerOptionsFromJson(tsconfig.compilerOptions, projectRoot).options, noEmit: true };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists } = host;
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
  host.getSourceFile = (name, language, ...rest) => {
    const text = files.get(name);
    return text === undefined ? getSourceFile.call(host, name, language, ...rest) : ts.createSourceFile(name, text, language);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  const messages = (name: string) =>
    ts.getPreEmitDiagnostics(program, program.getSourceFile(path(name))).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  return Object.fromEntries(Object.keys(snippets).map((name) => [name, messages(name)]));
}
