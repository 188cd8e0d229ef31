import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DocumentCheckSettings } from './document-check.js';
import type { DocumentTypeDefinition, PoppClientOptions } from './popp-client.js';

const DEFAULT_DOCUMENT_TYPES = fileURLToPath(new URL('./document-types.json', import.meta.url));

/**
 * Popp's API settings of the example, from its environment. Required:
 * POPP_API_URL, POPP_PROCESS_DOCUMENT_PATH (Popp's reference does not give
 * the path), POPP_API_KEY, POPP_ORGANIZATION_ID, POPP_DOCUMENT_URL_TEMPLATE.
 * Optional: POPP_TIMEOUT_MS (default 10000), POPP_DOCUMENT_TYPES (a JSON
 * file of document type definitions, default document-types.json beside this file).
 */
export function poppSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): { popp: PoppClientOptions; documents: DocumentCheckSettings } {
  const required = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`${name} is required (Popp's API settings: docs/guides/document-checks.md)`);
    return value;
  };
  const popp: PoppClientOptions = {
    baseUrl: required('POPP_API_URL'),
    processDocumentPath: required('POPP_PROCESS_DOCUMENT_PATH'),
    apiKey: required('POPP_API_KEY'),
    organizationId: required('POPP_ORGANIZATION_ID'),
  };
  if (!URL.canParse(popp.baseUrl)) throw new Error('POPP_API_URL must be a URL, e.g. https://api.example.com');
  if (env.POPP_TIMEOUT_MS) {
    const timeoutMs = Number(env.POPP_TIMEOUT_MS);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new Error('POPP_TIMEOUT_MS must be a positive whole number of milliseconds');
    popp.timeoutMs = timeoutMs;
  }
  const documentUrlTemplate = required('POPP_DOCUMENT_URL_TEMPLATE');
  const typesFile = env.POPP_DOCUMENT_TYPES || DEFAULT_DOCUMENT_TYPES;
  let documentTypes: Record<string, DocumentTypeDefinition>;
  try {
    documentTypes = JSON.parse(readFileSync(typesFile, 'utf8')) as Record<string, DocumentTypeDefinition>;
  } catch (error) {
    throw new Error(`POPP_DOCUMENT_TYPES: cannot read ${typesFile}: ${(error as Error).message}`);
  }
  for (const [key, type] of Object.entries(documentTypes)) {
    if (typeof type?.name !== 'string' || !(type.validation?.length || type.classificationRules?.length)) {
      throw new Error(`POPP_DOCUMENT_TYPES: "${key}" needs a name and at least one of validation and classificationRules`);
    }
  }
  return { popp, documents: { documentUrlTemplate, documentTypes } };
}
