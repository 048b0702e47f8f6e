import { randomUUID } from 'node:crypto';
import { classifyVendorResponse, malformedVendorResponse, type VendorHttpResponse } from './classify';
import { SttRejectedError } from './errors';
import { multipartBody } from './multipart';
import type { SttAudio, SttJobStatus, SttProvider, SttSubmission, SttSubmitOptions, SttUtterance } from './provider';
import { DEFAULT_VENDOR_HTTP_TIMEOUTS, timeoutOverrides, VendorHttp, type VendorHttpTimeouts } from './vendor-http';

/**
 * A synchronous OpenAI-compatible `POST {baseUrl}/audio/transcriptions` (OpenAI, whisper servers,
 * vLLM…). The answer is the transcript, so `submit` returns it and there is nothing to poll.
 * Limits come back as 429 with `retry-after`; a spent quota as 429 `insufficient_quota`.
 */

export interface OpenAiCompatibleClientOptions extends Partial<VendorHttpTimeouts> {
  /** The API base as OpenAI SDKs take it, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  apiKey?: string;
  model: string;
  /** ISO-639-1 hint such as `ko`; unset lets the server detect it. */
  language?: string;
  /** Name for logs and the per-vendor backoff gate. */
  name?: string;
  maxConnections?: number;
  /** How long the server may think before answering; the whole file is transcribed in one request. */
  transcriptionTimeoutMs?: number;
}

interface VerboseTranscription {
  text?: unknown;
  duration?: unknown;
  segments?: Array<{ start?: unknown; end?: unknown; text?: unknown; speaker?: unknown }>;
}

export class OpenAiCompatibleClient implements SttProvider {
  readonly name: string;
  readonly synchronous = true;
  private readonly http: VendorHttp;
  private readonly path: string;

  constructor(private readonly options: OpenAiCompatibleClientOptions) {
    this.name = options.name ?? 'openai-compatible';
    const timeouts = { ...DEFAULT_VENDOR_HTTP_TIMEOUTS, ...timeoutOverrides(options) };
    this.http = new VendorHttp(this.name, options.baseUrl, timeouts, options.maxConnections ?? 4);
    this.path = `${new URL(options.baseUrl).pathname.replace(/\/$/, '')}/audio/transcriptions`;
  }

  async submit(audio: SttAudio, options: SttSubmitOptions = {}): Promise<SttSubmission> {
    const data = typeof audio.body === 'function' ? await audio.body() : audio.body;
    const fields = [
      { name: 'model', value: this.options.model },
      { name: 'response_format', value: 'verbose_json' },
      ...(this.options.language ? [{ name: 'language', value: this.options.language }] : []),
    ];
    const form = multipartBody([...fields, { name: 'file', filename: audio.filename, contentType: audio.contentType, data }]);
    const headers: Record<string, string> = { 'content-type': form.contentType };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    if (form.length !== undefined) headers['content-length'] = String(form.length);
    const timeout = this.options.transcriptionTimeoutMs ?? 10 * 60_000;
    let response: VendorHttpResponse;
    try {
      await options.onSending?.();
      response = await this.http.request({ method: 'POST', path: this.path, headers, body: form.body, signal: options.signal, timeoutMs: timeout, responseTimeoutMs: timeout });
    } finally {
      form.dispose();
    }
    if (response.status < 200 || response.status >= 300) throw classifyVendorResponse(response, this.name);
    return { vendorJobId: `sync-${randomUUID()}`, completed: { utterances: this.toUtterances(response.body) } };
  }

  /** A synchronous vendor keeps no jobs: the result came with `submit`. */
  async poll(vendorJobId: string): Promise<SttJobStatus> {
    throw new SttRejectedError(`${this.name} is synchronous: job ${vendorJobId} cannot be polled`, 'synchronous provider');
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /** Segments in seconds become utterances in ms; a plain `{text}` answer becomes one utterance. */
  private toUtterances(body: unknown): SttUtterance[] {
    const result = (body ?? {}) as VerboseTranscription;
    if (Array.isArray(result.segments)) {
      return result.segments.map((s) => {
        if (typeof s.start !== 'number' || typeof s.end !== 'number' || typeof s.text !== 'string') {
          throw malformedVendorResponse(this.name, 'segments with start, end and text', body);
        }
        const speaker = typeof s.speaker === 'number' ? s.speaker : 0;
        return { startMs: Math.round(s.start * 1000), durationMs: Math.round((s.end - s.start) * 1000), text: s.text.trim(), speaker };
      });
    }
    if (typeof result.text !== 'string') throw malformedVendorResponse(this.name, 'text', body);
    const durationMs = typeof result.duration === 'number' ? Math.round(result.duration * 1000) : 0;
    return [{ startMs: 0, durationMs, text: result.text.trim(), speaker: 0 }];
  }
}
