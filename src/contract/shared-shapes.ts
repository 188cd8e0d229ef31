import type { JsonSchema } from './json-schema.js';

/** Shared shapes (`schemas/shared/<Name>.json`) have the `$id` `urn:popp-bridge:schema:shared:<Name>`; event schemas `$ref` them by it. */
export const SHARED_ID_PREFIX = 'urn:popp-bridge:schema:shared:';

const LOCAL_PREFIX = '#/definitions/';

/** The shared shape a `$ref` names, written either way: by `$id`, or bundled as `#/definitions/<Name>`. */
export function sharedNameOf(ref: string): string | undefined {
  if (ref.startsWith(SHARED_ID_PREFIX)) return ref.slice(SHARED_ID_PREFIX.length);
  if (ref.startsWith(LOCAL_PREFIX)) return ref.slice(LOCAL_PREFIX.length);
  return undefined;
}

/**
 * A copy of `schema` with each `{ $ref: <shared shape>, ...annotations }`
 * node replaced by what `replace` makes of it. Other nodes are copied as is.
 */
export function mapSharedRefs(schema: JsonSchema, replace: (name: string, node: JsonSchema) => JsonSchema): JsonSchema {
  const visit = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(visit);
    if (typeof value !== 'object' || value === null) return value;
    const node = value as JsonSchema;
    const name = typeof node.$ref === 'string' ? sharedNameOf(node.$ref) : undefined;
    if (name !== undefined) return replace(name, node);
    return Object.fromEntries(Object.entries(node).map(([key, inner]) => [key, visit(inner)]));
  };
  return visit(schema) as JsonSchema;
}

/** The shared shapes a schema uses, directly or through other shared shapes, in first-use order. */
export function sharedShapesUsed(schema: JsonSchema, shared: ReadonlyMap<string, JsonSchema>): string[] {
  const used: string[] = [];
  const collect = (from: JsonSchema) =>
    mapSharedRefs(from, (name, node) => {
      if (!used.includes(name)) {
        const shape = shared.get(name);
        if (!shape) throw new Error(`$ref to an unknown shared shape: ${String(node.$ref)} (no schemas/shared/${name}.json)`);
        used.push(name);
        collect(shape);
      }
      return node;
    });
  collect(schema);
  return used;
}

/**
 * The event schema made self-contained, as a schema registry needs it: the
 * shared shapes it uses copied under `definitions` (without their `$id`) and
 * every reference to them made local (`#/definitions/<Name>`).
 */
export function bundleSchema(schema: JsonSchema, shared: ReadonlyMap<string, JsonSchema>): JsonSchema {
  const names = sharedShapesUsed(schema, shared);
  const local = (from: JsonSchema) => mapSharedRefs(from, (name, node) => ({ ...node, $ref: LOCAL_PREFIX + name }));
  if (names.length === 0) return schema;
  const definitions: Record<string, JsonSchema> = {};
  for (const name of names) {
    const { $schema: _schema, $id: _id, ...shape } = shared.get(name) as JsonSchema;
    definitions[name] = local(shape);
  }
  return { ...local(schema), definitions };
}

/** A bundled schema without its `definitions`, each shared reference replaced by `replace` (for AsyncAPI components, TypeScript names). */
export function unbundleSchema(schema: JsonSchema, replace: (name: string, node: JsonSchema) => JsonSchema): JsonSchema {
  const { definitions: _definitions, ...rest } = schema;
  return mapSharedRefs(rest, replace);
}
