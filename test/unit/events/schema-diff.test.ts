import { describe, expect, it } from 'vitest';
import { type JsonSchema, loadSchemas } from '../../../src/contract/schemas.js';
import { breaking, diffSchemas } from '../../../src/events/schema-diff.js';
import { schemasDir } from '../../../src/paths.js';

const event = (data: JsonSchema): JsonSchema => ({ type: 'object', required: ['data'], properties: { data } });
const before = event({
  type: 'object',
  required: ['recordId', 'fileName'],
  properties: { recordId: { type: 'string' }, fileName: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } },
});

describe('field-level schema differences', () => {
  it('names a removed required field, which breaks readers on the old schema (FORWARD)', () => {
    const after = event({
      type: 'object',
      required: ['recordId'],
      properties: { recordId: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } },
    });
    expect(diffSchemas(before, after)).toEqual([{ field: 'data.fileName', what: 'required field removed', breaks: ['forward'] }]);
    expect(breaking(diffSchemas(before, after), 'BACKWARD')).toEqual([]);
  });

  it('names a changed type, also inside arrays, as breaking both ways; widening integer to number breaks only FORWARD', () => {
    const after = structuredClone(before) as { properties: { data: { properties: Record<string, JsonSchema> } } };
    after.properties.data.properties.fileName = { type: 'integer' };
    after.properties.data.properties.tags = { type: 'array', items: { type: 'number' } };
    expect(breaking(diffSchemas(before, after as JsonSchema), 'FULL')).toEqual([
      { field: 'data.fileName', what: 'type changed from string to integer', breaks: ['backward', 'forward'] },
      { field: 'data.tags[]', what: 'type changed from string to number', breaks: ['backward', 'forward'] },
    ]);
    expect(diffSchemas(event({ type: 'integer' }), event({ type: 'number' }))).toEqual([
      { field: 'data', what: 'type changed from integer to number', breaks: ['forward'] },
    ]);
  });

  it('counts an added optional field against BACKWARD only (open content model), and an added required one too', () => {
    const after = structuredClone(before) as { properties: { data: { properties: Record<string, JsonSchema>; required: string[] } } };
    after.properties.data.properties.pages = { type: 'integer' };
    after.properties.data.properties.size = { type: 'integer' };
    after.properties.data.required.push('size');
    const changes = diffSchemas(before, after as JsonSchema);
    expect(breaking(changes, 'FORWARD')).toEqual([]);
    expect(breaking(changes, 'BACKWARD_TRANSITIVE').map((c) => `${c.field}: ${c.what}`)).toEqual([
      'data.size: required field added',
      'data.pages: optional field added (earlier data may hold it with another type)',
    ]);
    expect(breaking(changes, 'NONE')).toEqual([]);
  });

  it('follows shared shapes into the definitions they are bundled as, and into the shapes an event extends', () => {
    const { events } = loadSchemas(schemasDir);
    type Definitions = { definitions: { [name: string]: { properties: Record<string, JsonSchema> } } };
    const scheduled = events.get('CALENDAR_MEETING_SCHEDULED') as JsonSchema;
    const moved = structuredClone(scheduled) as JsonSchema & Definitions;
    (moved.definitions.MeetingDetails as Definitions['definitions'][string]).properties.startDateTime = { type: 'integer' };
    expect(breaking(diffSchemas(scheduled, moved), 'FORWARD')).toEqual([
      { field: 'data.meetingDetails.startDateTime', what: 'type changed from string to integer', breaks: ['backward', 'forward'] },
    ]);
    const started = events.get('WORKFLOW_RUN_STARTED') as JsonSchema;
    const renumbered = structuredClone(started) as JsonSchema & Definitions;
    (renumbered.definitions.WorkflowCorrelation as Definitions['definitions'][string]).properties.workflowId = { type: 'number' };
    expect(breaking(diffSchemas(started, renumbered), 'FORWARD')).toEqual([
      { field: 'data.workflowId', what: 'type changed from string to number', breaks: ['backward', 'forward'] },
    ]);
  });
});
