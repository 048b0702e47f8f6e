import { randomBytes } from 'node:crypto';
import { mergeOptions, type FakeSttVendorOptions, type VendorRoute } from './options';
import { seededRandom } from './random';
import { VendorCounters, type FakeSttVendorStats, type RateLimitCode } from './stats';
import { JobTable, uploadProblem, type JobTimes, type Upload, type UploadedAudio, type UploadProblem } from './jobs';
import { parseTranscriptConfig, transcriptFor, type TranscriptRequest } from './transcript';

/**
 * The fake vendor without HTTP: accounts, tokens, jobs, limits and counters, driven by an
 * injectable clock so unit tests can step time. The RTZR methods answer with the status, body and
 * headers the real vendor would send; the shared machinery below them is also what the
 * OpenAI-compatible route (openai-compatible.ts) is built on.
 */

export interface VendorReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type { UploadedAudio };

export interface SubmitRequest {
  authorization?: string;
  upload: Upload;
  /** The raw `config` form field (JSON). */
  config?: string;
}

const RTZR_UPLOAD_ERRORS: Record<UploadProblem['kind'], [number, string]> = {
  missing: [400, 'H0001'],
  empty: [400, 'H0001'],
  'too-large': [413, 'H0005'],
  'too-long': [413, 'H0006'],
};

export class FakeSttVendorState {
  private current: FakeSttVendorOptions;
  private random: () => number;
  private counters = new VendorCounters();
  private tokens = new Map<string, { account: string; issuedAt: number }>();
  private jobs: JobTable;
  private limitedSince = 0;
  private limitedUntil = 0;

  constructor(
    options: FakeSttVendorOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.current = mergeOptions(options, {});
    this.random = seededRandom(this.current.seed);
    this.jobs = new JobTable(now, () => this.current);
  }

  get options(): FakeSttVendorOptions {
    return { ...this.current };
  }

  /** Applies a live change; a new seed restarts the random sequence. */
  configure(patch: unknown): FakeSttVendorOptions {
    const next = mergeOptions(this.current, patch);
    if (next.seed !== this.current.seed) this.random = seededRandom(next.seed);
    this.current = next;
    return this.options;
  }

  /** Forgets jobs, tokens, counters and any open Retry-After window; keeps the options. */
  reset(): void {
    // Connections and uploads on their way are still there after a reset.
    const { connections, uploadsInProgress } = this.counters;
    this.counters = new VendorCounters();
    Object.assign(this.counters.connections, { open: connections.open, maxOpenObserved: connections.open });
    this.counters.uploadsInProgress = uploadsInProgress;
    this.tokens.clear();
    this.jobs.clear();
    this.limitedSince = this.limitedUntil = 0;
    this.random = seededRandom(this.current.seed);
  }

  /** Invalidates every issued token at once, as if the vendor rotated its signing key. */
  expireTokens(): void {
    this.tokens.clear();
  }

  /** An upload past the hang check, until it is answered (or fails): a job the vendor may still create. */
  uploadStarted(): void {
    this.counters.uploadStarted();
  }

  uploadAnswered(): void {
    this.counters.uploadAnswered();
  }

  /** Connections are counted by the HTTP layer; they survive a reset because sockets do. */
  connectionOpened(): void {
    this.counters.connectionOpened();
  }

  connectionClosed(): void {
    this.counters.connectionClosed();
  }

  /** True when this route is set to hang; the caller then never answers. Counts the request either way. */
  hangs(route: VendorRoute): boolean {
    const hang = this.current.hang === 'all' || this.current.hang === route;
    if (hang) {
      this.arrive(route);
      this.counters.hungRequests++;
    }
    return hang;
  }

  authenticate(form: { clientId?: string; clientSecret?: string }): VendorReply {
    this.arrive('authenticate');
    const { clientId, clientSecret } = form;
    if (!clientId || !clientSecret) return this.error(400, 'H0001', 'client_id and client_secret are required');
    const expected = this.current;
    if ((expected.clientId && clientId !== expected.clientId) || (expected.clientSecret && clientSecret !== expected.clientSecret)) {
      return this.error(401, 'H0002', 'invalid client credentials');
    }
    const token = randomBytes(24).toString('base64url');
    const issuedAt = this.now();
    this.tokens.set(token, { account: clientId, issuedAt });
    this.counters.authenticates++;
    // RTZR sends expire_at as Unix seconds.
    return { status: 200, body: { access_token: token, expire_at: Math.floor((issuedAt + expected.tokenLifetimeMs) / 1000) } };
  }

  submit(request: SubmitRequest): VendorReply {
    this.arrive('submit');
    const account = this.randomFault() ?? this.authorize(request.authorization);
    if (typeof account !== 'string') return account;
    if (this.current.quotaExhausted) return this.tooManyRequests('A0001', 'usage quota exceeded', false);
    const problem = this.uploadProblem(request.upload);
    if (problem) return this.error(...RTZR_UPLOAD_ERRORS[problem.kind], problem.message);
    const transcript = parseTranscriptConfig(request.config);
    if ('error' in transcript) return this.error(400, 'H0001', transcript.error);
    if (this.atConcurrencyLimit(account)) {
      return this.tooManyRequests('A0002', `too many concurrent jobs (limit ${this.current.maxConcurrentJobs})`, false);
    }
    const job = this.createJob(account, request.upload as UploadedAudio, transcript);
    return { status: 200, body: { id: job.id } };
  }

  poll(request: { authorization?: string; jobId: string }): VendorReply {
    this.arrive('poll');
    this.counters.polled(request.jobId);
    const account = this.randomFault() ?? this.authorize(request.authorization);
    if (typeof account !== 'string') return account;
    const job = this.jobs.get(request.jobId);
    if (!job || job.account !== account) return this.error(404, 'H0004', `transcription ${request.jobId} not found`);
    const now = this.now();
    const phase = this.jobs.phaseOf(job, now);
    if (phase === 'expired') return this.error(410, 'H0007', `the result of ${job.id} has expired`);
    const minGap = this.current.minPollIntervalMs;
    // Only accepted polls move the window: a client that keeps hammering stays limited.
    if (job.lastPollAt !== undefined && now - job.lastPollAt < minGap) {
      return this.tooManyRequests('A0003', `polling too often (at most once per ${minGap} ms per job)`, false);
    }
    job.lastPollAt = now;
    if (phase === 'transcribing') return { status: 200, body: { id: job.id, status: 'transcribing' } };
    if (phase === 'failed') {
      return { status: 200, body: { id: job.id, status: 'failed', error: { code: 'E500', message: 'the audio could not be transcribed' } } };
    }
    job.resultFetchedAt ??= now;
    return { status: 200, body: { id: job.id, status: 'completed', results: { utterances: transcriptFor(job.sha256, job.transcript) } } };
  }

  jobTimes(): JobTimes[] {
    return this.jobs.times();
  }

  stats(): FakeSttVendorStats {
    const now = this.now();
    const limitedUntil = now < this.limitedUntil ? new Date(this.limitedUntil).toISOString() : null;
    return { ...this.counters.snapshot(), jobs: this.jobs.summary(), limitedUntil };
  }

  /** Counts a request to a vendor route, and whether it came inside an open Retry-After window. */
  arrive(route: VendorRoute): void {
    this.counters.arrived(route);
    const now = this.now();
    if (now < this.limitedUntil) this.counters.arrivedWhileLimited(route, now, this.limitedSince, this.limitedUntil);
  }

  /**
   * The random-500 and random-429 knobs for one request. Both draws happen on every request, so
   * one knob's rate never shifts the other's sequence. A 500 is counted here; a 429 by `rateLimit`.
   */
  drawFault(): 'server-error' | 'rate-limited' | undefined {
    const [for500, for429] = [this.random(), this.random()];
    if (for500 < this.current.random500Rate) {
      this.counters.responses500++;
      return 'server-error';
    }
    return for429 < this.current.random429Rate ? 'rate-limited' : undefined;
  }

  private randomFault(): VendorReply | undefined {
    const fault = this.drawFault();
    if (fault === 'server-error') return { status: 500, body: { code: 'E500', msg: 'internal server error' } };
    if (fault !== 'rate-limited') return undefined;
    const code = this.current.random429Code;
    return this.tooManyRequests(code, code === 'A0001' ? 'usage quota exceeded' : code === 'A0002' ? 'too many concurrent jobs' : 'too many requests', true);
  }

  countUnauthorized(): void {
    this.counters.responses401++;
  }

  /** The account behind a valid bearer token, or the 401 to send. */
  private authorize(authorization: string | undefined): string | VendorReply {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const issued = token ? this.tokens.get(token) : undefined;
    if (!issued || this.now() >= issued.issuedAt + this.current.tokenLifetimeMs) {
      return this.error(401, 'H0002', token ? 'the access token has expired or is invalid' : 'missing bearer token');
    }
    return issued.account;
  }

  uploadProblem(upload: Upload): UploadProblem | undefined {
    return uploadProblem(upload, this.current);
  }

  atConcurrencyLimit(account: string): boolean {
    return this.jobs.atLimit(account);
  }

  /** An accepted upload becomes a job that holds one of the account's concurrent slots. */
  createJob(account: string, upload: UploadedAudio, transcript: TranscriptRequest): { id: string } {
    const job = this.jobs.create(account, upload, transcript, this.random() < this.current.failureRate);
    this.counters.submitted(upload.sha256, upload.filename);
    this.counters.observeConcurrency(this.jobs.active());
    return { id: job.id };
  }

  /** Hands a job's result over now: the synchronous protocol's answer. */
  deliver(jobId: string) {
    return this.jobs.deliver(jobId);
  }

  /**
   * Counts a 429 under its RTZR code and opens (or extends) the Retry-After window; returns the
   * headers to send with it. A spent quota does not come back in seconds, so A0001 has none.
   */
  rateLimit(code: RateLimitCode, random: boolean): Record<string, string> | undefined {
    this.counters.rateLimited(code, random);
    if (!this.current.retryAfter || code === 'A0001') return undefined;
    const now = this.now();
    const { header, until } = retryAfterHeader(now, this.current.retryAfterSeconds, this.current.retryAfterFormat);
    if (now >= this.limitedUntil) this.limitedSince = now;
    this.limitedUntil = Math.max(this.limitedUntil, until);
    return { 'retry-after': header };
  }

  private tooManyRequests(code: RateLimitCode, msg: string, random: boolean): VendorReply {
    return { status: 429, body: { code, msg }, headers: this.rateLimit(code, random) };
  }

  private error(status: number, code: string, msg: string): VendorReply {
    if (status === 401) this.counters.responses401++;
    return { status, body: { code, msg } };
  }
}

/**
 * An HTTP-date has whole-second resolution, so the window is rounded up to the second the date
 * names: a client that waits until that date never counts as arriving early.
 */
function retryAfterHeader(now: number, seconds: number, format: 'seconds' | 'http-date'): { header: string; until: number } {
  if (format === 'seconds') return { header: String(seconds), until: now + seconds * 1000 };
  const until = Math.ceil((now + seconds * 1000) / 1000) * 1000;
  return { header: new Date(until).toUTCString(), until };
}
