import type { JsonSchema } from '../contract/schemas.js';

/**
 * Which readers a change can break. `backward`: the new schema rejects data
 * written under the old one (a consumer upgraded first, or a replay of the
 * log). `forward`: the old schema rejects new data (a consumer not upgraded yet).
 */
export type Direction = 'backward' | 'forward';

export interface SchemaChange {
  /** Dotted path of the field, e.g. `data.attachmentId`; `(root)` for the event itself. */
  field: string;
  what: string;
  breaks: Direction[];
}

/**
 * A field-level account of what changed between two event schemas, for the
 * message of `schemas:check` (the registry only answers compatible or not).
 * It follows the registry's reading of open content models (unknown
 * properties allowed): a property added may clash with what earlier data
 * held under that name, and one removed is no longer constrained.
 */
export function diffSchemas(
  beforeGiven: JsonSchema,
  afterGiven: JsonSchema,
  field = '(root)',
  roots: { before: JsonSchema; after: JsonSchema } = { before: beforeGiven, after: afterGiven },
): SchemaChange[] {
  // Shared shapes are bundled under `definitions`: compare what a reference stands for, not the reference.
  const before = resolve(beforeGiven, roots.before);
  const after = resolve(afterGiven, roots.after);
  const changes: SchemaChange[] = [];
  const add = (at: string, what: string, ...breaks: Direction[]) => changes.push({ field: at, what, breaks });

  const oldTypes = types(before);
  const newTypes = types(after);
  if (oldTypes && newTypes && oldTypes.join() !== newTypes.join()) {
    const breaks: Direction[] = [];
    if (!covers(newTypes, oldTypes)) breaks.push('backward');
    if (!covers(oldTypes, newTypes)) breaks.push('forward');
    add(field, `type changed from ${oldTypes.join('|')} to ${newTypes.join('|')}`, ...breaks);
  }
  if ('const' in before && 'const' in after && JSON.stringify(before.const) !== JSON.stringify(after.const)) {
    add(field, `constant changed from ${JSON.stringify(before.const)} to ${JSON.stringify(after.const)}`, 'backward', 'forward');
  }
  if (Array.isArray(before.enum) && Array.isArray(after.enum)) {
    const [oldValues, newValues] = [before.enum.map((v) => JSON.stringify(v)), after.enum.map((v) => JSON.stringify(v))];
    const removed = oldValues.filter((value) => !newValues.includes(value));
    const added = newValues.filter((value) => !oldValues.includes(value));
    if (removed.length > 0) add(field, `enum values removed: ${removed.join(', ')}`, 'backward');
    if (added.length > 0) add(field, `enum values added: ${added.join(', ')}`, 'forward');
  }

  const oldProps = properties(before, roots.before);
  const newProps = properties(after, roots.after);
  const oldRequired = required(before, roots.before);
  const newRequired = required(after, roots.after);
  const child = (name: string) => (field === '(root)' ? name : `${field}.${name}`);
  for (const name of newRequired.filter((n) => !oldRequired.includes(n))) add(child(name), 'required field added', 'backward');
  for (const name of oldRequired.filter((n) => !newRequired.includes(n))) {
    add(child(name), name in newProps ? 'no longer required' : 'required field removed', 'forward');
  }
  for (const name of Object.keys(newProps).filter((n) => !(n in oldProps))) {
    if (!newRequired.includes(name)) add(child(name), 'optional field added (earlier data may hold it with another type)', 'backward');
  }
  for (const name of Object.keys(oldProps).filter((n) => !(n in newProps))) {
    if (!oldRequired.includes(name)) add(child(name), 'optional field removed (new data may hold it with another type)', 'forward');
  }
  for (const [name, schema] of Object.entries(newProps)) {
    const old = oldProps[name];
    if (old) changes.push(...diffSchemas(old, schema, child(name), roots));
  }
  if (isSchema(before.items) && isSchema(after.items)) changes.push(...diffSchemas(before.items, after.items, `${field}[]`, roots));
  return changes;
}

/** The changes that break the given registry compatibility level. */
export function breaking(changes: readonly SchemaChange[], level: string): SchemaChange[] {
  const directions: Direction[] = level.startsWith('BACKWARD')
    ? ['backward']
    : level.startsWith('FORWARD')
      ? ['forward']
      : level.startsWith('FULL')
        ? ['backward', 'forward']
        : [];
  return changes.filter((change) => change.breaks.some((direction) => directions.includes(direction)));
}

function types(schema: JsonSchema): string[] | undefined {
  const type = schema.type;
  if (typeof type === 'string') return [type];
  return Array.isArray(type) ? (type as string[]).slice().sort() : undefined;
}

/** Whether a value of every type in `inner` is accepted by one of `outer` (number accepts integer). */
function covers(outer: string[], inner: string[]): boolean {
  return inner.every((type) => outer.includes(type) || (type === 'integer' && outer.includes('number')));
}

/** Its own properties and those of the shapes it extends (`allOf`), which an instance must satisfy as well. */
function properties(schema: JsonSchema, root: JsonSchema): Record<string, JsonSchema> {
  const own = (isSchema(schema.properties) ? schema.properties : {}) as Record<string, JsonSchema>;
  return Object.assign({}, ...parts(schema, root).map((part) => properties(part, root)), own);
}

function required(schema: JsonSchema, root: JsonSchema): string[] {
  const own = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  return [...new Set([...parts(schema, root).flatMap((part) => required(part, root)), ...own])];
}

function parts(schema: JsonSchema, root: JsonSchema): JsonSchema[] {
  return Array.isArray(schema.allOf) ? (schema.allOf as JsonSchema[]).filter(isSchema).map((part) => resolve(part, root)) : [];
}

function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/definitions/')) return schema;
  const target = (root.definitions as Record<string, JsonSchema> | undefined)?.[ref.slice('#/definitions/'.length)];
  return isSchema(target) ? resolve(target, root) : schema;
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
