import type { VendorRoute } from './options';

/** What `GET /admin/stats` reports. Maps are keyed by job id, audio sha256 or upload filename. */
export interface FakeSttVendorStats {
  /** Every request that reached a vendor route, answered or not. */
  requests: Record<VendorRoute, number> & { total: number };
  /** Access tokens issued. */
  authenticates: number;
  /**
   * Accepted submits and transcription requests (jobs created). Per audio and per filename because a
   * job id only exists after the submit: a client that names uploads after its own job id can prove
   * "one submit per job".
   */
  submits: { total: number; byAudioSha256: Record<string, number>; byFilename: Record<string, number> };
  /** Poll requests, per vendor job id as named in the URL. */
  polls: { total: number; byJob: Record<string, number> };
  /**
   * 429s by RTZR code; `random` counts those sent by the random-429 knob (also counted under their
   * code). The OpenAI-compatible route counts its spent quota as A0001, over-concurrency as A0002
   * and random 429s as A0003, so one set of figures covers both protocols.
   */
  responses429: { A0001: number; A0002: number; A0003: number; random: number; total: number };
  responses500: number;
  responses401: number;
  hungRequests: number;
  /**
   * Uploads between their arrival and the vendor's answer (hung ones excluded): jobs the vendor may
   * still create. With none, and submits set to hang, no client can get a job accepted unseen.
   */
  uploadsInProgress: number;
  /** TCP connections from clients: shows whether a client bounds and reuses its connections. */
  connections: { open: number; total: number; maxOpenObserved: number };
  jobs: { active: number; transcribing: number; completed: number; failed: number; resultsFetched: number };
  maxConcurrentJobsObserved: number;
  /** Requests received while a Retry-After this server sent had not yet elapsed. */
  requestsWhileLimited: number;
  /** The latest of them (at most 200), so a test can tell in-flight stragglers from clients that ignored the header. */
  requestsWhileLimitedLog: Array<{ route: VendorRoute; receivedAt: string; msSinceLimited: number; msUntilOpen: number }>;
  /** When the current Retry-After window ends; null when none is open. */
  limitedUntil: string | null;
}

export type RateLimitCode = 'A0001' | 'A0002' | 'A0003';

const LOG_LIMIT = 200;

/** The counters that only ever grow between resets; job-derived figures are added by the state. */
export class VendorCounters {
  requests = { authenticate: 0, submit: 0, poll: 0, transcriptions: 0, total: 0 };
  authenticates = 0;
  submits = { total: 0, byAudioSha256: {} as Record<string, number>, byFilename: {} as Record<string, number> };
  polls = { total: 0, byJob: {} as Record<string, number> };
  responses429 = { A0001: 0, A0002: 0, A0003: 0, random: 0, total: 0 };
  responses500 = 0;
  responses401 = 0;
  hungRequests = 0;
  uploadsInProgress = 0;
  connections = { open: 0, total: 0, maxOpenObserved: 0 };
  maxConcurrentJobsObserved = 0;
  requestsWhileLimited = 0;
  requestsWhileLimitedLog: FakeSttVendorStats['requestsWhileLimitedLog'] = [];

  uploadStarted(): void {
    this.uploadsInProgress++;
  }

  uploadAnswered(): void {
    this.uploadsInProgress--;
  }

  arrived(route: VendorRoute): void {
    this.requests[route]++;
    this.requests.total++;
  }

  arrivedWhileLimited(route: VendorRoute, now: number, limitedSince: number, limitedUntil: number): void {
    this.requestsWhileLimited++;
    this.requestsWhileLimitedLog.push({
      route,
      receivedAt: new Date(now).toISOString(),
      msSinceLimited: now - limitedSince,
      msUntilOpen: limitedUntil - now,
    });
    if (this.requestsWhileLimitedLog.length > LOG_LIMIT) this.requestsWhileLimitedLog.shift();
  }

  connectionOpened(): void {
    this.connections.open++;
    this.connections.total++;
    this.connections.maxOpenObserved = Math.max(this.connections.maxOpenObserved, this.connections.open);
  }

  connectionClosed(): void {
    this.connections.open = Math.max(0, this.connections.open - 1);
  }

  polled(jobId: string): void {
    this.polls.total++;
    this.polls.byJob[jobId] = (this.polls.byJob[jobId] ?? 0) + 1;
  }

  submitted(sha256: string, filename: string): void {
    this.submits.total++;
    this.submits.byAudioSha256[sha256] = (this.submits.byAudioSha256[sha256] ?? 0) + 1;
    this.submits.byFilename[filename] = (this.submits.byFilename[filename] ?? 0) + 1;
  }

  rateLimited(code: RateLimitCode, random: boolean): void {
    this.responses429[code]++;
    this.responses429.total++;
    if (random) this.responses429.random++;
  }

  observeConcurrency(active: number): void {
    this.maxConcurrentJobsObserved = Math.max(this.maxConcurrentJobsObserved, active);
  }

  /** A deep copy, so callers can keep a snapshot and compare it with a later one. */
  snapshot(): Omit<FakeSttVendorStats, 'jobs' | 'limitedUntil'> {
    return structuredClone({
      requests: this.requests,
      authenticates: this.authenticates,
      submits: this.submits,
      polls: this.polls,
      responses429: this.responses429,
      responses500: this.responses500,
      responses401: this.responses401,
      hungRequests: this.hungRequests,
      uploadsInProgress: this.uploadsInProgress,
      connections: this.connections,
      maxConcurrentJobsObserved: this.maxConcurrentJobsObserved,
      requestsWhileLimited: this.requestsWhileLimited,
      requestsWhileLimitedLog: this.requestsWhileLimitedLog,
    });
  }
}
