import { randomBytes } from 'node:crypto';
import type { FakeSttVendorOptions } from './options';
import type { FakeSttVendorStats } from './stats';
import { transcriptFor, type TranscriptRequest, type VendorUtterance } from './transcript';

/**
 * The fake vendor's transcription jobs, whichever protocol created them: an RTZR submit (polled
 * later) or an OpenAI-compatible request (answered when it is done). Both count against the same
 * concurrency limit, which is what the real accounts limit.
 */

export interface UploadedAudio {
  sha256: string;
  sizeBytes: number;
  filename: string;
}

/** `missing` when the form had no `file` part; `too-large` when the body was cut off at the size cap. */
export type Upload = UploadedAudio | 'missing' | 'too-large';

/** What is wrong with an upload, in terms each protocol words its own way. */
export interface UploadProblem {
  kind: 'missing' | 'too-large' | 'empty' | 'too-long';
  message: string;
}

export interface Job {
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

export type JobTimes = Pick<Job, 'submittedAt' | 'readyAt' | 'resultFetchedAt'>;

export type JobPhase = 'transcribing' | 'completed' | 'failed' | 'expired';

// The fake cannot decode audio; 128 kbit/s is a typical compressed-speech bitrate for estimating length.
const ASSUMED_AUDIO_BYTES_PER_SECOND = 16_000;

export function uploadProblem(upload: Upload, options: FakeSttVendorOptions): UploadProblem | undefined {
  if (upload === 'missing') return { kind: 'missing', message: 'file is required' };
  if (upload === 'too-large' || upload.sizeBytes > options.maxFileBytes) {
    return { kind: 'too-large', message: `file is larger than ${options.maxFileBytes} bytes` };
  }
  if (upload.sizeBytes === 0) return { kind: 'empty', message: 'file is empty' };
  if (upload.sizeBytes / ASSUMED_AUDIO_BYTES_PER_SECOND > options.maxAudioSeconds) {
    return { kind: 'too-long', message: `audio is longer than ${options.maxAudioSeconds} s` };
  }
  return undefined;
}

export class JobTable {
  private jobs = new Map<string, Job>();

  constructor(
    private readonly now: () => number,
    private readonly options: () => FakeSttVendorOptions,
  ) {}

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  clear(): void {
    this.jobs.clear();
  }

  create(account: string, upload: UploadedAudio, transcript: TranscriptRequest, willFail: boolean): Job {
    const submittedAt = this.now();
    const job: Job = {
      id: randomBytes(12).toString('base64url'),
      account,
      submittedAt,
      readyAt: submittedAt + this.options().processingMs,
      willFail,
      transcript,
      sha256: upload.sha256,
    };
    this.jobs.set(job.id, job);
    return job;
  }

  /**
   * A synchronous answer: the job's result is handed over now, which ends its hold on the
   * account's concurrency (a caller on an injected clock need not step it to processingMs first).
   */
  deliver(jobId: string): { failed: boolean; utterances: VendorUtterance[] } {
    const job = this.jobs.get(jobId);
    if (!job) throw new Error(`no job ${jobId}`);
    const now = this.now();
    job.readyAt = Math.min(job.readyAt, now);
    job.resultFetchedAt ??= now;
    return { failed: job.willFail, utterances: job.willFail ? [] : transcriptFor(job.sha256, job.transcript) };
  }

  phaseOf(job: Job, now = this.now()): JobPhase {
    if (now < job.readyAt) return 'transcribing';
    if (job.willFail) return 'failed';
    return now >= job.readyAt + this.options().resultTtlMs ? 'expired' : 'completed';
  }

  /** A job holds a slot from submit until its completed result is fetched once, or until it fails or expires. */
  active(account?: string): number {
    const now = this.now();
    let active = 0;
    for (const job of this.jobs.values()) {
      if (account !== undefined && job.account !== account) continue;
      const phase = this.phaseOf(job, now);
      if (phase === 'transcribing' || (phase === 'completed' && job.resultFetchedAt === undefined)) active++;
    }
    return active;
  }

  atLimit(account: string): boolean {
    const limit = this.options().maxConcurrentJobs;
    return limit > 0 && this.active(account) >= limit;
  }

  /** When each job was accepted, became ready and had its result fetched (epoch ms): where an account's lanes went. */
  times(): JobTimes[] {
    return [...this.jobs.values()].map(({ submittedAt, readyAt, resultFetchedAt }) => ({ submittedAt, readyAt, resultFetchedAt }));
  }

  summary(): FakeSttVendorStats['jobs'] {
    const now = this.now();
    const all = [...this.jobs.values()];
    const phases = all.map((job) => this.phaseOf(job, now));
    return {
      active: this.active(),
      transcribing: phases.filter((p) => p === 'transcribing').length,
      completed: phases.filter((p) => p === 'completed').length,
      failed: phases.filter((p) => p === 'failed').length,
      resultsFetched: all.filter((job) => job.resultFetchedAt !== undefined).length,
    };
  }
}
