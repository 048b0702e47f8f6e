import type { LimitClass } from '../../domain/shared/vendor-limits';
import { VendorError, type VendorErrorDetails } from '../http/vendor-error';

/**
 * What can go wrong talking to the OpenAI-compatible model server, as types, and the one place
 * that decides which type an answer is. Callers branch on the type, never on messages; the names
 * are stable because Temporal records them as failure types.
 */

export type ModelErrorDetails = VendorErrorDetails;

export abstract class ModelError extends VendorError {}

/** 429, or 503 with Retry-After: the server is busy, not broken. Wait `retryAfterMs` (when it said) and call again. */
export class ModelRateLimitedError extends ModelError {
  override name = 'ModelRateLimitedError';
  readonly retryable = true;
  constructor(
    message: string,
    readonly limitClass: LimitClass,
    readonly retryAfterMs: number | undefined,
    details: ModelErrorDetails = {},
  ) {
    super(message, details);
  }
}

/** Any other 4xx: the request itself is wrong (bad model name, bad key, prompt too long). Retrying cannot help. */
export class ModelRefusedError extends ModelError {
  override name = 'ModelRefusedError';
  readonly retryable = false;
}

/** A stream chunk that is not the JSON the protocol promises, or a stream that ends without finishing. A new call may go better. */
export class ModelProtocolError extends ModelError {
  override name = 'ModelProtocolError';
  readonly retryable = true;
}

/** 5xx without Retry-After, a refused connection, a request over LLM_REQUEST_TIMEOUT_S or a stream idle too long. */
export class ModelUnavailableError extends ModelError {
  override name = 'ModelUnavailableError';
  readonly retryable = true;
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** OpenAI's codes say which limit a 429 hit; vLLM and most proxies say nothing (unknown: pause every request). */
function limitClassOf(code: string | undefined): LimitClass {
  if (code === 'insufficient_quota') return 'quota';
  if (code === 'too_many_concurrent_requests' || code === 'concurrency_limit_exceeded') return 'concurrency';
  if (code === 'rate_limit_exceeded') return 'rate';
  return 'unknown';
}

function errorBodyOf(text: string): { message?: string; code?: string } {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown; code?: unknown; type?: unknown } };
    const e = parsed.error;
    if (!e || typeof e !== 'object') return {};
    const code = typeof e.code === 'string' ? e.code : typeof e.type === 'string' ? e.type : undefined;
    return { message: typeof e.message === 'string' ? e.message : undefined, code };
  } catch {
    return {};
  }
}

/** A non-2xx answer as its typed error. */
export function classifyModelResponse(status: number, retryAfter: string | undefined, bodyText: string, nowMs = Date.now()): ModelError {
  const { message, code } = errorBodyOf(bodyText);
  const details = { httpStatus: status, vendorCode: code };
  const said = message ?? (bodyText.slice(0, 200) || `HTTP ${status}`);
  const retryAfterMs = parseRetryAfterMs(retryAfter, nowMs);
  if (status === 429) return new ModelRateLimitedError(`model server rate limit: ${said}`, limitClassOf(code), retryAfterMs, details);
  // A 503 that says when to come back is load shedding, handled like a 429; without it, an outage.
  if (status === 503 && retryAfterMs !== undefined) return new ModelRateLimitedError(`model server overloaded: ${said}`, 'unknown', retryAfterMs, details);
  if (status >= 400 && status < 500) return new ModelRefusedError(`model server refused the request (${status}): ${said}`, details);
  return new ModelUnavailableError(`model server error (${status}): ${said}`, details);
}

/** A failure below HTTP (connect, reset, our own timeouts) as its typed error; ours pass through. */
export function classifyModelTransportError(err: unknown): ModelError {
  if (err instanceof ModelError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ModelUnavailableError(`model server unreachable: ${message}`, { cause: err });
}
