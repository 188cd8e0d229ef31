/** A JSON Schema document or sub-schema, as read from `schemas/`. */
export type JsonSchema = Record<string, unknown> & { $id?: string; title?: string };
