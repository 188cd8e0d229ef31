import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

interface Common {
  /** One line for the table of docs/configuration.md (Markdown; links are relative to docs/). */
  help: string;
  /** What the table shows as the default when the value alone would not say it (derived, or development only). */
  shown?: string;
  /** Never echoed in an error message. */
  secret?: boolean;
}

export type Variable =
  | (Common & { kind: 'int'; default: number; min: number; max: number })
  | (Common & { kind: 'bool'; default: boolean })
  | (Common & { kind: 'enum'; values: readonly string[]; default?: string; lowercase?: boolean })
  | (Common & { kind: 'text'; default?: string; pattern?: string; patternHelp?: string; emptyIsValue?: boolean })
  | (Common & { kind: 'url' })
  | (Common & { kind: 'list'; item?: string; itemHelp?: string });

/** The TypeScript type of a declared variable's value: what the declaration says, and undefined when it has no default. */
export type ValueOf<V> = V extends { kind: 'int' }
  ? number
  : V extends { kind: 'bool' }
    ? boolean
    : V extends { kind: 'list' }
      ? string[]
      : V extends { kind: 'enum'; values: readonly (infer T)[] }
        ? V extends { default: string }
          ? T
          : T | undefined
        : V extends { default: string }
          ? string
          : string | undefined;

export type ValuesOf<D extends Record<string, Variable>> = { -readonly [K in keyof D]: ValueOf<D[K]> };

export type Env = Record<string, string | undefined>;

/** A bad value: start-up stops with this one line. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Whole-number, boolean, list, enum, text and URL variables, checked by ajv against a schema made from the declaration. */
export function createReader<D extends Record<string, Variable>>(declared: D): (env: Env) => ValuesOf<D> {
  const ajv = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: false, strict: true });
  addFormats(ajv, ['uri']);
  const properties = Object.fromEntries(Object.entries(declared).map(([name, variable]) => [name, schemaOf(variable)]));
  const validate = ajv.compile({ type: 'object', properties });

  return (env) => {
    const values: Record<string, unknown> = {};
    for (const [name, variable] of Object.entries(declared)) {
      const raw = env[name];
      if (raw === undefined || (raw === '' && !(variable.kind === 'text' && variable.emptyIsValue))) continue;
      values[name] = prepare(variable, raw);
    }
    if (!validate(values)) throw explain(declared, validate.errors?.[0], env);
    for (const [name, variable] of Object.entries(declared)) {
      if (variable.kind === 'list') values[name] ??= [];
      if (variable.kind === 'url' && typeof values[name] === 'string') values[name] = normaliseUrl(values[name] as string);
    }
    return values as ValuesOf<D>;
  };
}

/** What a value must be, in words: the message of a bad value and the table's help both use it. */
export function describe(variable: Variable): string {
  switch (variable.kind) {
    case 'int':
      return `a whole number from ${variable.min} to ${variable.max}`;
    case 'bool':
      return 'true or false';
    case 'enum':
      return `one of ${variable.values.join(', ')}`;
    case 'url':
      return 'a URL';
    case 'list':
      return `comma-separated ${variable.itemHelp ?? 'values'}`;
    case 'text':
      return variable.patternHelp ?? 'text';
  }
}

/** The default as the table shows it. */
export function shownDefault(variable: Variable): string {
  if (variable.shown !== undefined) return variable.shown;
  if (!('default' in variable) || variable.default === undefined) return '';
  return `\`${String(variable.default)}\``;
}

function schemaOf(variable: Variable): Record<string, unknown> {
  switch (variable.kind) {
    case 'int':
      return { type: 'integer', minimum: variable.min, maximum: variable.max, default: variable.default };
    case 'bool':
      return { type: 'boolean', default: variable.default };
    case 'enum':
      return { type: 'string', enum: [...variable.values], ...(variable.default !== undefined && { default: variable.default }) };
    case 'url':
      return { type: 'string', format: 'uri' };
    case 'list':
      return { type: 'array', items: { type: 'string', ...(variable.item && { pattern: variable.item }) } };
    case 'text':
      return {
        type: 'string',
        ...(variable.pattern && { pattern: variable.pattern }),
        ...(variable.default !== undefined && { default: variable.default }),
      };
  }
}

/** Environment text into what the schema checks: lists split, booleans in their usual spellings, enums in their case. */
function prepare(variable: Variable, raw: string): unknown {
  if (variable.kind === 'list') return raw.split(',').flatMap((item) => (item.trim() ? [item.trim()] : []));
  if (variable.kind === 'bool') {
    const lower = raw.toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
    if (['0', 'false', 'no', 'off'].includes(lower)) return false;
    return raw;
  }
  if (variable.kind === 'enum' && variable.lowercase) return raw.toLowerCase();
  return raw;
}

function explain(declared: Record<string, Variable>, error: ErrorObject | undefined, env: Env): ConfigError {
  const [name = '', index] = (error?.instancePath ?? '').split('/').slice(1);
  const variable = declared[name];
  if (!variable) return new ConfigError(`configuration invalid: ${error?.message ?? 'unknown error'}`);
  // A secret (or a URL, which may carry credentials) is named, never quoted.
  if (variable.secret || variable.kind === 'url') return new ConfigError(`${name} must be ${describe(variable)}`);
  const raw = variable.kind === 'list' && index !== undefined ? (prepare(variable, env[name] ?? '') as string[])[Number(index)] : env[name];
  return new ConfigError(`${name} must be ${describe(variable)}, got "${raw}"`);
}

function normaliseUrl(raw: string): string {
  return new URL(raw).toString().replace(/\/$/, '');
}
