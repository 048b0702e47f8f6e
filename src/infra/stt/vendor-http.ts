import { Readable } from 'node:stream';
import { Pool } from 'undici';
import { classifyTransportError, type VendorHttpResponse } from './classify';

/**
 * One vendor origin behind a bounded undici pool, with timeouts on every phase so a vendor that
 * accepts the connection and never answers fails fast instead of holding a worker slot.
 */

export interface VendorHttpTimeouts {
  /** TCP connect. */
  connectTimeoutMs: number;
  /**
   * No response headers, or no body bytes, for this long after the request was sent: give up.
   * undici checks these on a coarse (~0.5 s) timer, so sub-second values fire up to a second late;
   * `requestTimeoutMs` is exact.
   */
  responseTimeoutMs: number;
  /** Upper bound on one whole call (authenticate, poll), whatever the phase. */
  requestTimeoutMs: number;
}

export const DEFAULT_VENDOR_HTTP_TIMEOUTS: VendorHttpTimeouts = {
  connectTimeoutMs: 5_000,
  responseTimeoutMs: 30_000,
  requestTimeoutMs: 60_000,
};

/** The timeouts a client's options actually set, so unset ones keep their defaults. */
export function timeoutOverrides(options: Partial<VendorHttpTimeouts>): Partial<VendorHttpTimeouts> {
  const { connectTimeoutMs, responseTimeoutMs, requestTimeoutMs } = options;
  return Object.fromEntries(Object.entries({ connectTimeoutMs, responseTimeoutMs, requestTimeoutMs }).filter(([, v]) => v !== undefined));
}

export interface VendorHttpRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer | AsyncIterable<Uint8Array>;
  signal?: AbortSignal;
  /** Overrides `requestTimeoutMs`, e.g. for uploads that legitimately take minutes. */
  timeoutMs?: number;
  /** Overrides `responseTimeoutMs`, e.g. for a synchronous vendor that thinks for minutes before answering. */
  responseTimeoutMs?: number;
}

export class VendorHttp {
  private readonly pool: Pool;

  constructor(
    private readonly vendor: string,
    baseUrl: string,
    private readonly timeouts: VendorHttpTimeouts,
    maxConnections: number,
  ) {
    this.pool = new Pool(new URL(baseUrl).origin, {
      connections: maxConnections,
      connectTimeout: timeouts.connectTimeoutMs,
      headersTimeout: timeouts.responseTimeoutMs,
      bodyTimeout: timeouts.responseTimeoutMs,
    });
  }

  /** Any HTTP status resolves (the caller classifies it); network failures and timeouts reject as SttTransientError. */
  async request(req: VendorHttpRequest): Promise<VendorHttpResponse> {
    const deadline = AbortSignal.timeout(req.timeoutMs ?? this.timeouts.requestTimeoutMs);
    const signal = req.signal ? AbortSignal.any([deadline, req.signal]) : deadline;
    try {
      const inMemory = typeof req.body === 'string' || Buffer.isBuffer(req.body) || req.body === undefined;
      const body = inMemory ? (req.body as string | Buffer | undefined) : Readable.from(req.body as AsyncIterable<Uint8Array>, { objectMode: false });
      const res = await this.pool.request({
        method: req.method,
        path: req.path,
        headers: req.headers,
        body,
        signal,
        headersTimeout: req.responseTimeoutMs,
        bodyTimeout: req.responseTimeoutMs,
      });
      const text = await res.body.text();
      return { status: res.statusCode, headers: res.headers, body: parseBody(text) };
    } catch (err) {
      throw classifyTransportError(err, this.vendor);
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

/** JSON when it parses (vendors are not always careful with content-type), else the text. */
function parseBody(text: string): unknown {
  if (text === '') return '';
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
