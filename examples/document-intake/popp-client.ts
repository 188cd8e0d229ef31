/**
 * A small client of Popp's `processDocument` (Beta): is an uploaded document
 * valid under the customer's current validation configuration? Popp's
 * reference gives the body and the verdict's two fields, not the path, the
 * method's other answers or the rest of the response, so the base URL and the
 * path are settings, and any extra field of the answer is kept, not refused.
 */

/** A document type, given inline with every call (stateless): at least one of `validation` and `classificationRules`. */
export interface DocumentTypeDefinition {
  name: string;
  /** e.g. `CHECK_NAME_MATCH`, `CHECK_DATE_OF_BIRTH_INCLUSION`, `CHECK_HOME_ADDRESS_INCLUSION`. */
  validation?: string[];
  classificationRules?: unknown[];
  /** Popp describes these as JSON-encoded knobs (`validFor`, `issuedAfter`): passed on as given. */
  validationSettings?: string | Record<string, unknown>;
  externalId?: string;
}

/** Exactly one of the two: a URL Popp can GET the document from, or the document itself (Popp caps a body at about 6 MB). */
export type DocumentSource = { documentUrl: string; documentBase64?: never } | { documentBase64: string; documentUrl?: never };

export type ProcessDocumentRequest = DocumentSource & {
  documentType: DocumentTypeDefinition;
  /** Only read by the CHECK_NAME_MATCH validation. */
  candidateName?: string;
};

/** A validation error as Popp gives it: its shape is not documented, so a string or an object, kept as it came. */
export type ValidationError = string | Record<string, unknown>;

export interface ProcessDocumentResult {
  passedValidation: boolean;
  validationErrors: ValidationError[];
  /** The whole answer, the fields this client does not know included. */
  response: Record<string, unknown>;
}

export interface PoppClientOptions {
  /** e.g. `https://api.example.com`: Popp's API root, from configuration. */
  baseUrl: string;
  /** The path of processDocument under `baseUrl`, from configuration (not documented). */
  processDocumentPath: string;
  apiKey: string;
  organizationId: string;
  /** Per try (default 10 s): a try that takes longer is abandoned and counts as a failed try. */
  timeoutMs?: number;
  /** Tries in all on a 5xx, a 429, a timeout or no connection (default 3), waiting `initialDelayMs` doubling up to `maxDelayMs`. */
  attempts?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export interface PoppClient {
  /** The verdict; throws a `PoppApiError` when there is none (Popp unreachable, failing, or refusing the call). */
  processDocument(request: ProcessDocumentRequest, options?: { signal?: AbortSignal }): Promise<ProcessDocumentResult>;
}

/** No verdict from Popp. `retriable`: Popp was down, slow or busy, so a later try may well succeed; else the call itself was refused. */
export class PoppApiError extends Error {
  override name = 'PoppApiError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retriable: boolean,
    /** Popp's Retry-After, when it gave one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export function createPoppClient(options: PoppClientOptions): PoppClient {
  const url = new URL(options.processDocumentPath, options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const attempts = options.attempts ?? 3;
  const initialDelayMs = options.initialDelayMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  const headers = {
    'content-type': 'application/json',
    accept: 'application/json',
    'x-api-key': options.apiKey,
    'x-organization-id': options.organizationId,
  };

  async function once(body: string, signal: AbortSignal | undefined): Promise<ProcessDocumentResult> {
    // One controller per try, the caller's signal joined by hand: a listener left on the consumer's long-lived signal per call would pile up.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const cancel = () => controller.abort();
    signal?.addEventListener('abort', cancel, { once: true });
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { method: 'POST', headers, body, signal: controller.signal });
      text = await response.text();
    } catch (error) {
      const why = timedOut ? `no answer within ${timeoutMs} ms` : `unreachable (${(error as Error).message})`;
      throw new PoppApiError(`processDocument: Popp ${why}`, undefined, true);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', cancel);
    }
    if (response.status === 429 || response.status >= 500) {
      const retryAfter = retryAfterMs(response.headers.get('retry-after'));
      throw new PoppApiError(`processDocument answered ${response.status}`, response.status, true, retryAfter);
    }
    if (!response.ok) throw new PoppApiError(`processDocument answered ${response.status}: ${errorText(text)}`, response.status, false);
    return verdict(text);
  }

  return {
    async processDocument(request, { signal } = {}) {
      const body = JSON.stringify(request);
      for (let attempt = 1; ; attempt++) {
        try {
          return await once(body, signal);
        } catch (error) {
          const failure = error as PoppApiError;
          if (!failure.retriable || attempt >= attempts || signal?.aborted) {
            if (failure.retriable && attempt > 1) failure.message += ` (${attempt} tries)`;
            throw failure;
          }
          const backoff = Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1));
          // Retry-After is Popp asking for time: never sooner; longer than we would wait here is left to the caller's retries.
          const wait = Math.max(backoff, failure.retryAfterMs ?? 0);
          if (wait > maxDelayMs) throw failure;
          await sleep(wait, signal);
        }
      }
    },
  };
}

/** The verdict from a 2xx body: the two documented fields checked, everything else kept. */
function verdict(text: string): ProcessDocumentResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new PoppApiError('processDocument answered with something other than JSON', 200, false);
  }
  const response = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (typeof response.passedValidation !== 'boolean') {
    throw new PoppApiError('processDocument answered without a passedValidation verdict', 200, false);
  }
  const errors = response.validationErrors;
  const validationErrors = Array.isArray(errors)
    ? (errors.filter((e) => typeof e === 'string' || (typeof e === 'object' && e !== null)) as ValidationError[])
    : [];
  return { passedValidation: response.passedValidation, validationErrors, response };
}

/** Seconds, or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Popp's own error message when it gave one, bounded: it says why the call was refused, never what the document holds. */
function errorText(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown };
    const message = body.message ?? body.error;
    if (typeof message === 'string') return message.slice(0, 200);
  } catch {
    // not JSON
  }
  return text.slice(0, 200) || '(no body)';
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
