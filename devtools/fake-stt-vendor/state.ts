import { randomBytes } from 'node:crypto';
import { mergeOptions, type FakeSttVendorOptions, type VendorRoute } from './options';
import { seededRandom } from './random';
import { VendorCounters, type FakeSttVendorStats, type RateLimitCode } from './stats';
import { parseTranscriptConfig, transcriptFor, type TranscriptRequest } from './transcript';

/**
 * The fake RTZR vendor without HTTP: accounts, tokens, jobs, limits and counters, driven by an
 * injectable clock so unit tests can step time. Every method answers with the status, body and
 * headers the real vendor would send.
 */

export interface VendorReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface UploadedAudio {
  sha256: string;
  sizeBytes: number;
  filename: string;
}

export interface SubmitRequest {
  authorization?: string;
  /** `missing` when the form had no `file` part; `too-large` when the body was cut off at the size cap. */
  upload: UploadedAudio | 'missing' | 'too-large';
  /** The raw `config` form field (JSON). */
  config?: string;
}

interface Job {
  id: string;
  account: string;
  submittedAt: number;
  readyAt: number;
  willFail: boolean;
  transcript: TranscriptRequest;
  sha256: string;
  lastPollAt?: number;
  resultFetchedAt?: number;
}

type JobPhase = 'transcribing' | 'completed' | 'failed' | 'expired';

// The fake cannot decode audio; 128 kbit/s is a typical compressed-speech bitrate for estimating length.
const ASSUMED_AUDIO_BYTES_PER_SECOND = 16_000;

export class FakeSttVendorState {
  private current: FakeSttVendorOptions;
  private random: () => number;
  private counters = new VendorCounters();
  private tokens = new Map<string, { account: string; issuedAt: number }>();
  private jobs = new Map<string, Job>();
  private limitedSince = 0;
  private limitedUntil = 0;

  constructor(
    options: FakeSttVendorOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.current = mergeOptions(options, {});
    this.random = seededRandom(this.current.seed);
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
    const open = this.counters.connections.open;
    this.counters = new VendorCounters();
    Object.assign(this.counters.connections, { open, maxOpenObserved: open });
    this.tokens.clear();
    this.jobs.clear();
    this.limitedSince = this.limitedUntil = 0;
    this.random = seededRandom(this.current.seed);
  }

  /** Invalidates every issued token at once, as if the vendor rotated its signing key. */
  expireTokens(): void {
    this.tokens.clear();
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
    const invalidUpload = this.validateUpload(request.upload);
    if (invalidUpload) return invalidUpload;
    const transcript = parseTranscriptConfig(request.config);
    if ('error' in transcript) return this.error(400, 'H0001', transcript.error);
    const upload = request.upload as UploadedAudio;
    const limit = this.current.maxConcurrentJobs;
    if (limit > 0 && this.activeJobs(account) >= limit) {
      return this.tooManyRequests('A0002', `too many concurrent jobs (limit ${limit})`, false);
    }
    const job = this.createJob(account, upload, transcript);
    this.counters.submitted(upload.sha256, upload.filename);
    this.counters.observeConcurrency(this.activeJobs());
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
    const phase = this.phaseOf(job, now);
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

  stats(): FakeSttVendorStats {
    const now = this.now();
    const phases = [...this.jobs.values()].map((job) => this.phaseOf(job, now));
    const jobs = {
      active: this.activeJobs(),
      transcribing: phases.filter((p) => p === 'transcribing').length,
      completed: phases.filter((p) => p === 'completed').length,
      failed: phases.filter((p) => p === 'failed').length,
      resultsFetched: [...this.jobs.values()].filter((job) => job.resultFetchedAt !== undefined).length,
    };
    const limitedUntil = now < this.limitedUntil ? new Date(this.limitedUntil).toISOString() : null;
    return { ...this.counters.snapshot(), jobs, limitedUntil };
  }

  private arrive(route: VendorRoute): void {
    this.counters.arrived(route);
    const now = this.now();
    if (now < this.limitedUntil) this.counters.arrivedWhileLimited(route, now, this.limitedSince, this.limitedUntil);
  }

  /** Both draws happen on every request, so one knob's rate never shifts the other's sequence. */
  private randomFault(): VendorReply | undefined {
    const [for500, for429] = [this.random(), this.random()];
    if (for500 < this.current.random500Rate) {
      this.counters.responses500++;
      return { status: 500, body: { code: 'E500', msg: 'internal server error' } };
    }
    if (for429 < this.current.random429Rate) return this.tooManyRequests('A0003', 'too many requests', true);
    return undefined;
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

  private validateUpload(upload: SubmitRequest['upload']): VendorReply | undefined {
    if (upload === 'missing') return this.error(400, 'H0001', 'file is required');
    if (upload === 'too-large' || upload.sizeBytes > this.current.maxFileBytes) {
      return this.error(413, 'H0005', `file is larger than ${this.current.maxFileBytes} bytes`);
    }
    if (upload.sizeBytes === 0) return this.error(400, 'H0001', 'file is empty');
    if (upload.sizeBytes / ASSUMED_AUDIO_BYTES_PER_SECOND > this.current.maxAudioSeconds) {
      return this.error(413, 'H0006', `audio is longer than ${this.current.maxAudioSeconds} s`);
    }
    return undefined;
  }

  private createJob(account: string, upload: UploadedAudio, transcript: TranscriptRequest): Job {
    const submittedAt = this.now();
    const job: Job = {
      id: randomBytes(12).toString('base64url'),
      account,
      submittedAt,
      readyAt: submittedAt + this.current.processingMs,
      willFail: this.random() < this.current.failureRate,
      transcript,
      sha256: upload.sha256,
    };
    this.jobs.set(job.id, job);
    return job;
  }

  private phaseOf(job: Job, now: number): JobPhase {
    if (now < job.readyAt) return 'transcribing';
    if (job.willFail) return 'failed';
    return now >= job.readyAt + this.current.resultTtlMs ? 'expired' : 'completed';
  }

  /** A job holds a slot from submit until its completed result is fetched once, or until it fails or expires. */
  private activeJobs(account?: string): number {
    const now = this.now();
    let active = 0;
    for (const job of this.jobs.values()) {
      if (account !== undefined && job.account !== account) continue;
      const phase = this.phaseOf(job, now);
      if (phase === 'transcribing' || (phase === 'completed' && job.resultFetchedAt === undefined)) active++;
    }
    return active;
  }

  private tooManyRequests(code: RateLimitCode, msg: string, random: boolean): VendorReply {
    this.counters.rateLimited(code, random);
    // A spent quota does not come back in seconds, so A0001 carries no Retry-After.
    if (!this.current.retryAfter || code === 'A0001') return { status: 429, body: { code, msg } };
    const now = this.now();
    const { header, until } = retryAfterHeader(now, this.current.retryAfterSeconds, this.current.retryAfterFormat);
    if (now >= this.limitedUntil) this.limitedSince = now;
    this.limitedUntil = Math.max(this.limitedUntil, until);
    return { status: 429, body: { code, msg }, headers: { 'retry-after': header } };
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
