import type { Readable } from 'node:stream';
import { classifyVendorResponse, malformedVendorResponse, vendorErrorBody, type VendorHttpResponse } from './classify';
import { SttTransientError } from './errors';
import { multipartBody } from './multipart';
import type { SttAudio, SttJobStatus, SttProvider, SttSubmission, SttSubmitOptions, SttUtterance } from './provider';
import { DEFAULT_VENDOR_HTTP_TIMEOUTS, timeoutOverrides, VendorHttp, type VendorHttpTimeouts } from './vendor-http';

/**
 * RTZR (VITO) batch STT: `POST /v1/authenticate` for a bearer token, `POST /v1/transcribe` to
 * submit, `GET /v1/transcribe/{id}` to poll. One client per process: it caches the token and
 * bounds the connections it opens to the vendor.
 */

export interface RtzrClientOptions extends Partial<VendorHttpTimeouts> {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Connections to the vendor at most; further requests queue in the pool. */
  maxConnections?: number;
  /** Whole-submit bound, upload included. */
  uploadTimeoutMs?: number;
  /** Refresh a token this long before its `expire_at`. */
  tokenRefreshMarginMs?: number;
  now?: () => number;
}

const VENDOR = 'rtzr';

export class RtzrClient implements SttProvider {
  readonly name = VENDOR;
  readonly synchronous = false;
  private readonly http: VendorHttp;
  private readonly now: () => number;
  private token?: { value: string; refreshAtMs: number };
  private tokenRequest?: Promise<string>;

  constructor(private readonly options: RtzrClientOptions) {
    this.now = options.now ?? Date.now;
    const timeouts = { ...DEFAULT_VENDOR_HTTP_TIMEOUTS, ...timeoutOverrides(options) };
    this.http = new VendorHttp(VENDOR, options.baseUrl, timeouts, options.maxConnections ?? 8);
  }

  async submit(audio: SttAudio, options: SttSubmitOptions = {}): Promise<SttSubmission> {
    const config = JSON.stringify(rtzrConfig(options));
    const openAudio = replayable(audio.body);
    const response = await this.authorized(async (authorization) => {
      const form = multipartBody([
        { name: 'config', value: config },
        { name: 'file', filename: audio.filename, contentType: audio.contentType, data: await openAudio() },
      ]);
      const headers: Record<string, string> = { authorization, 'content-type': form.contentType };
      if (form.length !== undefined) headers['content-length'] = String(form.length);
      try {
        await options.onSending?.();
        return await this.http.request({
          method: 'POST',
          path: '/v1/transcribe',
          headers,
          body: form.body,
          signal: options.signal,
          timeoutMs: this.options.uploadTimeoutMs ?? 10 * 60_000,
        });
      } finally {
        form.dispose();
      }
    });
    const id = (response.body as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || id === '') throw malformedVendorResponse(VENDOR, 'a job id', response.body);
    return { vendorJobId: id };
  }

  async poll(vendorJobId: string, options: { signal?: AbortSignal } = {}): Promise<SttJobStatus> {
    const path = `/v1/transcribe/${encodeURIComponent(vendorJobId)}`;
    const response = await this.authorized((authorization) =>
      this.http.request({ method: 'GET', path, headers: { authorization }, signal: options.signal }),
    );
    return parseJobStatus(response.body);
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /**
   * Sends with the cached token. A 401 (RTZR's H0002: expired or revoked, which can happen before
   * the advertised expire_at) gets exactly one refresh and one retry; a second 401 is an SttAuthError.
   */
  private async authorized(send: (authorization: string) => Promise<VendorHttpResponse>): Promise<VendorHttpResponse> {
    const token = await this.accessToken();
    let response = await send(`Bearer ${token}`);
    if (response.status === 401) {
      this.forgetToken(token);
      response = await send(`Bearer ${await this.accessToken()}`);
    }
    if (response.status < 200 || response.status >= 300) throw classifyVendorResponse(response, VENDOR, this.now());
    return response;
  }

  /** Concurrent callers share one authenticate call instead of each fetching a token. */
  private accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.refreshAtMs) return Promise.resolve(this.token.value);
    this.tokenRequest ??= this.authenticate().finally(() => {
      this.tokenRequest = undefined;
    });
    return this.tokenRequest;
  }

  /** Only the token that was refused: another caller may already have replaced it. */
  private forgetToken(value: string): void {
    if (this.token?.value === value) this.token = undefined;
  }

  private async authenticate(): Promise<string> {
    const form = new URLSearchParams({ client_id: this.options.clientId, client_secret: this.options.clientSecret });
    const response = await this.http.request({
      method: 'POST',
      path: '/v1/authenticate',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    if (response.status < 200 || response.status >= 300) throw classifyVendorResponse(response, VENDOR, this.now());
    const { access_token: value, expire_at: expireAt } = (response.body ?? {}) as { access_token?: unknown; expire_at?: unknown };
    if (typeof value !== 'string' || value === '' || typeof expireAt !== 'number') {
      throw malformedVendorResponse(VENDOR, 'access_token and expire_at', response.body);
    }
    const now = this.now();
    // expire_at is Unix seconds. Refresh a margin early, but never sooner than half the lifetime,
    // so short-lived tokens are not fetched again on every call.
    const expiresAtMs = expireAt * 1000;
    const margin = this.options.tokenRefreshMarginMs ?? 60_000;
    this.token = { value, refreshAtMs: Math.max(expiresAtMs - margin, now + (expiresAtMs - now) / 2) };
    return value;
  }
}

/** RTZR's `config` field: only options the caller set, in the vendor's names. */
export function rtzrConfig(options: SttSubmitOptions): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  if (options.diarization !== undefined) config.use_diarization = options.diarization;
  if (options.diarization && options.speakerCount !== undefined) config.diarization = { spk_count: options.speakerCount };
  if (options.useItn !== undefined) config.use_itn = options.useItn;
  if (options.useDisfluencyFilter !== undefined) config.use_disfluency_filter = options.useDisfluencyFilter;
  if (options.useProfanityFilter !== undefined) config.use_profanity_filter = options.useProfanityFilter;
  if (options.useParagraphSplitter !== undefined) config.use_paragraph_splitter = options.useParagraphSplitter;
  if (options.domain) config.domain = options.domain;
  if (options.modelName) config.model_name = options.modelName;
  return config;
}

/**
 * Opens the audio for each attempt. A bare stream can be read only once: if the first attempt was
 * refused for its token, the caller has to submit again (the fresh token is cached by then).
 */
function replayable(body: SttAudio['body']): () => Promise<Buffer | Readable> {
  let opened = false;
  return async () => {
    if (Buffer.isBuffer(body)) return body;
    if (typeof body === 'function') return body();
    if (opened) throw new SttTransientError(`${VENDOR}: token refused after the one-shot audio stream was sent; submit again`);
    opened = true;
    return body;
  };
}

function parseJobStatus(body: unknown): SttJobStatus {
  const job = (body ?? {}) as { status?: unknown; results?: { utterances?: unknown } };
  if (job.status === 'transcribing') return { status: 'transcribing' };
  if (job.status === 'failed') {
    const { code, message } = vendorErrorBody((body as { error?: unknown }).error ?? body);
    return { status: 'failed', error: code ? `${code}: ${message}` : message };
  }
  if (job.status === 'completed' && Array.isArray(job.results?.utterances)) {
    const utterances = job.results.utterances.map(toUtterance);
    if (utterances.every((u): u is SttUtterance => u !== undefined)) return { status: 'completed', utterances };
  }
  throw malformedVendorResponse(VENDOR, 'a known job status with its results', body);
}

function toUtterance(raw: unknown): SttUtterance | undefined {
  const u = (raw ?? {}) as { start_at?: unknown; duration?: unknown; msg?: unknown; spk?: unknown };
  if (typeof u.start_at !== 'number' || typeof u.duration !== 'number' || typeof u.msg !== 'string') return undefined;
  return { startMs: u.start_at, durationMs: u.duration, text: u.msg, speaker: typeof u.spk === 'number' ? u.spk : 0 };
}
