import type { JsonSchema } from '../contract/schemas.js';
import type { Compatibility } from '../contract/subjects.js';
import { breaking, diffSchemas, type SchemaChange } from '../events/schema-diff.js';
import { registryRequest } from './http.js';
import { type RegistryAccess, type SchemaSubjects, subjectsOf } from './subjects.js';

export type SubjectVerdict = { eventType: string; subject: string } & (
  | { status: 'new' | 'compatible' }
  | { status: 'incompatible'; version: number; changes: SchemaChange[] }
  | { status: 'other-level'; level: string }
);

/**
 * Asks the registry whether each schema in `schemas/` may follow the latest
 * version of its subjects, under the level each subject carries (the bridge
 * sets SCHEMA_COMPATIBILITY on the subjects it creates). A subject at
 * another level is reported rather than judged by the wrong rule.
 */
export async function checkCompatibility(options: SchemaSubjects & { registry: RegistryAccess }): Promise<SubjectVerdict[]> {
  const ask = registryClient(options.registry);
  const verdicts: SubjectVerdict[] = [];
  for (const { eventType, subject } of subjectsOf(options.catalogue, options.logTopic)) {
    const schema = options.catalogue.schemas.events.get(eventType) as JsonSchema;
    const path = encodeURIComponent(subject);
    const latest = await ask<{ version: number; schema: string }>('GET', `/subjects/${path}/versions/latest`);
    if (!latest) {
      verdicts.push({ eventType, subject, status: 'new' });
      continue;
    }
    const config = await ask<{ compatibilityLevel?: string; compatibility?: string }>('GET', `/config/${path}?defaultToGlobal=true`);
    const level = config?.compatibilityLevel ?? config?.compatibility ?? 'BACKWARD';
    if (level !== options.compatibility) {
      verdicts.push({ eventType, subject, status: 'other-level', level });
      continue;
    }
    const body = { schemaType: 'JSON', schema: JSON.stringify(schema) };
    const answer = await ask<{ is_compatible: boolean }>('POST', `/compatibility/subjects/${path}/versions/latest`, body);
    if (answer?.is_compatible) {
      verdicts.push({ eventType, subject, status: 'compatible' });
      continue;
    }
    const changes = breaking(diffSchemas(JSON.parse(latest.schema) as JsonSchema, schema), level);
    verdicts.push({ eventType, subject, status: 'incompatible', version: latest.version, changes });
  }
  return verdicts;
}

/** One line per subject; the failing ones name the event type and each field. */
export function describeVerdicts(verdicts: readonly SubjectVerdict[], compatibility: Compatibility): { ok: boolean; lines: string[] } {
  const lines: string[] = [];
  for (const verdict of verdicts) {
    const head = `${verdict.eventType} (${verdict.subject})`;
    if (verdict.status === 'new') lines.push(`ok    ${head}: not registered yet`);
    if (verdict.status === 'compatible') lines.push(`ok    ${head}: compatible under ${compatibility}`);
    if (verdict.status === 'other-level') {
      lines.push(`FAIL  ${head}: the registry checks this subject under ${verdict.level}, not SCHEMA_COMPATIBILITY=${compatibility}`);
    }
    if (verdict.status === 'incompatible') {
      lines.push(`FAIL  ${head}: incompatible with version ${verdict.version} under ${compatibility}`);
      for (const change of verdict.changes) lines.push(`        ${verdict.eventType} ${change.field}: ${change.what}`);
      if (verdict.changes.length === 0) lines.push('        (the registry gave no detail and no field-level change was found)');
    }
  }
  return { ok: verdicts.every((verdict) => verdict.status === 'new' || verdict.status === 'compatible'), lines };
}

function registryClient(access: RegistryAccess) {
  const headers: Record<string, string> = { accept: 'application/vnd.schemaregistry.v1+json, application/json' };
  if (access.username) headers.authorization = `Basic ${Buffer.from(`${access.username}:${access.password ?? ''}`).toString('base64')}`;
  return async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T | undefined> => {
    const response = await registryRequest(`${access.url}${path}`, {
      method,
      headers: body ? { ...headers, 'content-type': 'application/vnd.schemaregistry.v1+json' } : headers,
      ...(body !== undefined && { body: JSON.stringify(body) }),
      tls: access.tls,
      timeoutMs: 10_000,
    });
    if (response.status === 404) return undefined;
    if (response.status < 200 || response.status > 299) {
      throw new Error(`schema registry: ${method} ${path.split('?')[0]} answered HTTP ${response.status}`);
    }
    return JSON.parse(response.body) as T;
  };
}
