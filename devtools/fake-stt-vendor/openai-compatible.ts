import type { Upload, UploadedAudio, UploadProblem } from './jobs';
import type { FakeSttVendorState, VendorReply } from './state';
import type { RateLimitCode } from './stats';

/**
 * The fake vendor's OpenAI-compatible face: `POST /v1/audio/transcriptions` keeps the request open
 * for `processingMs` and answers with the transcript itself, as OpenAI and whisper servers do. It
 * shares the knobs, the seeded faults, the concurrency limit (a request being answered is a job),
 * the Retry-After windows and the counters with the RTZR routes. Errors are OpenAI's
 * `{error: {message, type, param, code}}`.
 */

export interface TranscriptionRequest {
  authorization?: string;
  upload: Upload;
  model?: string;
  responseFormat?: string;
  language?: string;
}

export const RESPONSE_FORMATS = ['json', 'verbose_json'] as const;
export type ResponseFormat = (typeof RESPONSE_FORMATS)[number];

/** Either the answer now, or an accepted job to answer with `finishTranscription` after `waitMs`. */
export type TranscriptionStart = { reply: VendorReply } | { jobId: string; waitMs: number; format: ResponseFormat; language: string };

const UPLOAD_STATUS: Record<UploadProblem['kind'], number> = { missing: 400, empty: 400, 'too-long': 400, 'too-large': 413 };

/** Checks in the order the RTZR submit does, so the same knobs trip at the same points. */
export function startTranscription(state: FakeSttVendorState, request: TranscriptionRequest): TranscriptionStart {
  state.arrive('transcriptions');
  const fault = state.drawFault();
  if (fault === 'server-error') return { reply: openAiError(500, 'server_error', 'internal server error') };
  if (fault === 'rate-limited') return { reply: tooManyRequests(state, 'A0003', true, 'Rate limit reached for requests') };
  const account = authorize(state, request.authorization);
  if (typeof account !== 'string') return { reply: account };
  if (state.options.quotaExhausted) {
    state.rateLimit('A0001', false);
    return { reply: openAiError(429, 'insufficient_quota', 'You exceeded your current quota', { code: 'insufficient_quota' }) };
  }
  const problem = state.uploadProblem(request.upload);
  if (problem) return { reply: openAiError(UPLOAD_STATUS[problem.kind], 'invalid_request_error', problem.message, { param: 'file' }) };
  if (!request.model) return { reply: openAiError(400, 'invalid_request_error', 'model is required', { param: 'model' }) };
  const format = request.responseFormat ?? 'json';
  if (!isResponseFormat(format)) {
    return { reply: openAiError(400, 'invalid_request_error', `response_format must be one of ${RESPONSE_FORMATS.join(', ')}`, { param: 'response_format' }) };
  }
  if (state.atConcurrencyLimit(account)) {
    return { reply: tooManyRequests(state, 'A0002', false, `Too many concurrent requests (limit ${state.options.maxConcurrentJobs})`) };
  }
  // Whisper-style servers name no speakers: every segment is one voice.
  const job = state.createJob(account, request.upload as UploadedAudio, { useDiarization: false, speakerCount: 1 });
  return { jobId: job.id, waitMs: state.options.processingMs, format, language: request.language ?? 'ko' };
}

/** The answer once the job's processing time has passed: the transcript, or a 400 for a job set to fail. */
export function finishTranscription(state: FakeSttVendorState, started: { jobId: string; format: ResponseFormat; language: string }): VendorReply {
  const result = state.deliver(started.jobId);
  if (result.failed) return openAiError(400, 'invalid_request_error', 'the audio could not be transcribed', { param: 'file' });
  // RTZR-style milliseconds become OpenAI-style seconds.
  const segments = result.utterances.map((u, id) => ({ id, start: u.start_at / 1000, end: (u.start_at + u.duration) / 1000, text: u.msg }));
  const text = segments.map((s) => s.text).join(' ');
  if (started.format === 'json') return { status: 200, body: { text } };
  const duration = segments.length > 0 ? segments[segments.length - 1].end : 0;
  return { status: 200, body: { task: 'transcribe', language: started.language, duration, text, segments } };
}

/** The account behind the bearer key: any key (or none) unless the `apiKey` knob names one. */
function authorize(state: FakeSttVendorState, authorization: string | undefined): string | VendorReply {
  const key = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  const expected = state.options.apiKey;
  if (expected !== undefined && key !== expected) {
    state.countUnauthorized();
    return openAiError(401, 'invalid_request_error', key ? 'Incorrect API key provided' : 'missing bearer API key', { code: 'invalid_api_key' });
  }
  return `api-key:${key ?? ''}`;
}

function tooManyRequests(state: FakeSttVendorState, code: RateLimitCode, random: boolean, message: string): VendorReply {
  const headers = state.rateLimit(code, random);
  return { ...openAiError(429, 'requests', message, { code: 'rate_limit_exceeded' }), headers };
}

function openAiError(status: number, type: string, message: string, extra: { param?: string; code?: string } = {}): VendorReply {
  return { status, body: { error: { message, type, param: extra.param ?? null, code: extra.code ?? null } } };
}

function isResponseFormat(value: string): value is ResponseFormat {
  return (RESPONSE_FORMATS as readonly string[]).includes(value);
}
