import { SttAuthError, SttError, SttQuotaExceededError, SttRateLimitedError, SttRejectedError, SttTransientError, type SttRateLimitCode } from './errors';

/**
 * The one place that turns a vendor's HTTP answer or a network failure into a typed STT error.
 * Understands RTZR's `{code, msg}` bodies and OpenAI-style `{error: {message, code}}` bodies.
 */

export interface VendorHttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the body was JSON, else its text. */
  body: unknown;
}

// RTZR says which limit was hit in the body; only these two are load limits.
const RATE_LIMIT_CODES: ReadonlySet<string> = new Set(['A0002', 'A0003']);
// A0001 is RTZR's spent usage quota; OpenAI-compatible servers say insufficient_quota.
const QUOTA_CODES: ReadonlySet<string> = new Set(['A0001', 'insufficient_quota']);

// Network failures after which the same request may succeed: resets, refusals while a server
// restarts, DNS hiccups, and undici's own connect/headers/body timeouts.
const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

/** A non-2xx answer as a typed error. `vendor` names the provider in messages. */
export function classifyVendorResponse(response: VendorHttpResponse, vendor: string, nowMs = Date.now()): SttError {
  const { status } = response;
  const { code, message } = vendorErrorBody(response.body);
  const details = { vendorCode: code, httpStatus: status };
  const text = `${vendor} answered ${status}${code ? ` ${code}` : ''}: ${message}`;
  const retryAfterMs = parseRetryAfter(response.headers['retry-after'], nowMs);
  if (status === 429) {
    if (code && QUOTA_CODES.has(code)) return new SttQuotaExceededError(text, retryAfterMs, details);
    const limit: SttRateLimitCode = code && RATE_LIMIT_CODES.has(code) ? (code as SttRateLimitCode) : 'unknown';
    return new SttRateLimitedError(text, limit, retryAfterMs, details);
  }
  if (status === 401 || status === 403) return new SttAuthError(text, details);
  if (status === 408 || status >= 500) return new SttTransientError(text, { ...details, retryAfterMs });
  if (status >= 400) return new SttRejectedError(text, message, details);
  // 1xx/3xx from an API we only call with plain requests: a proxy or a half-deployed vendor.
  return new SttTransientError(`${vendor} answered an unexpected ${status}: ${message}`, details);
}

/** A 2xx whose body lacks what the protocol promises: treated as a glitch worth one more try. */
export function malformedVendorResponse(vendor: string, what: string, body: unknown): SttTransientError {
  return new SttTransientError(`${vendor} answered 2xx without ${what}: ${preview(body)}`);
}

/**
 * Network failures and timeouts become SttTransientError; STT errors pass through; anything else
 * (a caller's abort, a bug) is returned unchanged so it is not mistaken for a vendor problem.
 */
export function classifyTransportError(err: unknown, vendor: string): unknown {
  if (err instanceof SttError) return err;
  if (!(err instanceof Error)) return err;
  if (err.name === 'TimeoutError') return new SttTransientError(`${vendor} did not answer in time`, { cause: err });
  const code = networkCode(err);
  if (code && TRANSIENT_NETWORK_CODES.has(code)) {
    return new SttTransientError(`${vendor} request failed: ${code} ${err.message}`, { cause: err });
  }
  return err;
}

/** Network failures that mean no connection was made: the request never reached the vendor. */
const UNCONNECTED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * True when a failed request certainly started nothing at the vendor: it answered 4xx (a 429
 * included), or no connection was made. No answer, a reset, a 5xx or a garbled 2xx leave it open.
 */
export function vendorTookNothing(err: unknown): boolean {
  if (err instanceof SttError && err.httpStatus !== undefined) return err.httpStatus >= 400 && err.httpStatus < 500;
  // classifyTransportError keeps the network failure as the cause: read it there, as it read it.
  const failure = err instanceof SttError ? err.cause : err;
  const code = failure instanceof Error ? networkCode(failure) : undefined;
  return code !== undefined && UNCONNECTED_CODES.has(code);
}

/**
 * `Retry-After` as milliseconds from now: either delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * A date in the past means "now" (0); anything unparsable is ignored.
 */
export function parseRetryAfter(header: string | string[] | undefined, nowMs: number): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // All three HTTP-date forms start with a day name; Date.parse alone would accept "-5" as a year.
  if (!/^[A-Za-z]{3}/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** The vendor's error code and message from an RTZR `{code, msg}` or OpenAI `{error: {...}}` body. */
export function vendorErrorBody(body: unknown): { code?: string; message: string } {
  if (typeof body === 'object' && body !== null) {
    const flat = body as { code?: unknown; msg?: unknown; message?: unknown; error?: unknown };
    const nested = typeof flat.error === 'object' && flat.error !== null ? (flat.error as { code?: unknown; type?: unknown; message?: unknown }) : undefined;
    const code = asText(flat.code) ?? asText(nested?.code) ?? asText(nested?.type);
    const message = asText(flat.msg) ?? asText(flat.message) ?? asText(nested?.message) ?? asText(flat.error);
    return { code, message: message ?? preview(body) };
  }
  return { message: typeof body === 'string' && body !== '' ? preview(body) : '(empty body)' };
}

function networkCode(err: Error): string | undefined {
  const own = (err as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  const cause = (err as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

function asText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;
}

function preview(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body) ?? String(body);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
