import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { SttSettings } from '../../pipelines/stt/settings';
import { backoffDelayMs } from '../../domain/stt/backoff';
import type { NotificationListener } from '../../infra/db/notifications';
import { withTransaction } from '../../infra/db/pool';
import * as jobs from '../../infra/stt/queries/jobs';
import * as coordination from '../../infra/stt/queries/vendor-coordination';
import type { ObjectStore } from '../../infra/storage/object-store';
import { SttQuotaExceededError, SttRateLimitedError } from '../../infra/stt/errors';
import type { SttProvider, SttSubmitOptions } from '../../infra/stt/provider';
import { FAILURE_TYPES, knownFailure } from '../shared/failure-types';

/** The vendor said "not now": nobody calls it again before `retryAt`. */
export interface RateLimited {
  rateLimited: true;
  retryAt: string;
  reason: string;
}

/** `completed` comes from a synchronous vendor: the transcript is stored already and there is nothing to poll. */
export type SubmitOutcome = { rateLimited: false; vendorJobId: string; completed?: { utterances: number } } | RateLimited;
export type PollOutcome =
  | { rateLimited: false; status: 'transcribing' }
  | { rateLimited: false; status: 'completed'; utterances: number }
  | { rateLimited: false; status: 'failed'; error: string }
  | RateLimited;

export interface SttActivityDeps {
  pool: Pool;
  store: ObjectStore;
  provider: SttProvider;
  slotReleases: NotificationListener;
  stt: SttSettings;
}

const PROBE_MS = 10_000;

/** Well inside the vendor calls' heartbeat timeout (workflows/stt/transcription.ts). */
const HEARTBEAT_EVERY_MS = 5_000;

/** Heartbeats while `call` runs: a vendor call has no progress of its own to report, but its worker may die. */
async function heartbeating<T>(call: () => Promise<T>): Promise<T> {
  const ctx = Context.current();
  const beat = setInterval(() => ctx.heartbeat(), HEARTBEAT_EVERY_MS);
  try {
    return await call();
  } finally {
    clearInterval(beat);
  }
}

/** What a submit attempt leaves for its retry. */
interface SubmitHeartbeat {
  vendorJobId: string;
}

export function createSttActivities(deps: SttActivityDeps) {
  const { pool, provider, stt } = deps;
  const vendor = provider.name;

  async function gateClosed(): Promise<RateLimited | undefined> {
    const gate = await coordination.passGate(pool, vendor, PROBE_MS);
    return gate.open ? undefined : { rateLimited: true, retryAt: gate.until.toISOString(), reason: gate.reason ?? 'rate_limited' };
  }

  /** The one place a vendor's "slow down" turns into a shared pause; other vendor errors pass through. */
  async function onVendorError(err: unknown): Promise<RateLimited> {
    if (!(err instanceof SttRateLimitedError) && !(err instanceof SttQuotaExceededError)) throw err;
    const quota = err instanceof SttQuotaExceededError;
    const reason = quota ? 'quota_exceeded' : `rate_limited_${err.code}`;
    const streak = (await coordination.consecutive429s(pool, vendor)) + 1;
    const delayMs = err.retryAfterMs ?? (quota ? stt.quotaPauseMs : backoffDelayMs(streak, stt.backoffBaseMs, stt.backoffMaxMs, Math.random()));
    const until = await coordination.closeGate(pool, vendor, delayMs, reason);
    return { rateLimited: true, retryAt: until.toISOString(), reason };
  }

  async function onVendorSuccess(): Promise<void> {
    await coordination.openGate(pool, vendor);
  }

  async function loadJob(jobId: string): Promise<jobs.SttJob> {
    const job = await jobs.findSttJob(pool, jobId);
    if (!job) throw knownFailure(FAILURE_TYPES.badData, `transcription ${jobId} does not exist`);
    return job;
  }

  /** The vendor job an earlier attempt of this submit got accepted but could not record. */
  function acceptedEarlier(): string | undefined {
    if (provider.synchronous) return undefined;
    return (Context.current().info.heartbeatDetails as SubmitHeartbeat | undefined)?.vendorJobId;
  }

  return {
    /** Waits (heartbeating) for one of the account's concurrent-job slots; a release anywhere wakes it. */
    acquireSlot: async (input: { jobId: string; maxWaitMs: number }): Promise<{ acquired: boolean }> => {
      const ctx = Context.current();
      const deadline = Date.now() + input.maxWaitMs;
      for (;;) {
        const acquired = await withTransaction(pool, (tx) => coordination.tryAcquireSlot(tx, vendor, input.jobId, stt.maxInFlight, stt.slotLeaseMs));
        if (acquired || Date.now() >= deadline) return { acquired };
        ctx.heartbeat();
        await deps.slotReleases.wait(Math.min(1_000, deadline - Date.now()));
      }
    },

    /**
     * Submits once per job: a vendor job id already recorded is returned instead of submitting again.
     * A synchronous vendor's transcript is stored in the same transaction as its id, so a retry that
     * finds the id finds the transcript too.
     */
    submitTranscription: async (input: { jobId: string }): Promise<SubmitOutcome> => {
      const job = await loadJob(input.jobId);
      if (job.vendorJobId) {
        if (!provider.synchronous) return { rateLimited: false, vendorJobId: job.vendorJobId };
        return { rateLimited: false, vendorJobId: job.vendorJobId, completed: { utterances: (await jobs.findUtterances(pool, job.id)).length } };
      }
      const accepted = acceptedEarlier();
      if (accepted) {
        return { rateLimited: false, vendorJobId: await jobs.recordVendorJobId(pool, job.id, accepted) };
      }
      const closed = await gateClosed();
      if (closed) return closed;
      let submission;
      try {
        const extension = job.filename.includes('.') ? job.filename.slice(job.filename.lastIndexOf('.')) : '';
        const signal = Context.current().cancellationSignal;
        submission = await heartbeating(() =>
          provider.submit(
            // Named after the job so the vendor's logs (and the fake vendor's counters) tie uploads to jobs.
            { body: () => deps.store.get(job.audioKey), filename: `${job.id}${extension}`, contentType: job.contentType },
            { ...(job.options as SttSubmitOptions), signal },
          ),
        );
      } catch (err) {
        return onVendorError(err);
      }
      const { completed } = submission;
      let outcome: SubmitOutcome;
      if (!completed) {
        // Heartbeat details outlive a failed attempt (the worker flushes them with the failure): if
        // PostgreSQL is gone before the id is recorded, the retry records this id instead of
        // submitting the audio a second time. One statement, so that a crash of the whole worker
        // can lose the id only within one round trip (the vendor offers no idempotency key).
        Context.current().heartbeat({ vendorJobId: submission.vendorJobId } satisfies SubmitHeartbeat);
        outcome = { rateLimited: false, vendorJobId: await jobs.recordVendorJobId(pool, job.id, submission.vendorJobId) };
      } else {
        outcome = await withTransaction(pool, async (tx): Promise<SubmitOutcome> => {
          const vendorJobId = await jobs.recordVendorJobId(tx, job.id, submission.vendorJobId);
          if (vendorJobId !== submission.vendorJobId) {
            // An attempt that got in first stored its own transcript with its id; that one stands.
            return { rateLimited: false, vendorJobId, completed: { utterances: (await jobs.findUtterances(tx, job.id)).length } };
          }
          await jobs.replaceUtterances(tx, job.id, completed.utterances);
          return { rateLimited: false, vendorJobId, completed: { utterances: completed.utterances.length } };
        });
      }
      await onVendorSuccess();
      return outcome;
    },

    /** One poll; on completion the utterances go straight to PostgreSQL, only their count travels back. */
    pollTranscription: async (input: { jobId: string; vendorJobId: string }): Promise<PollOutcome> => {
      await coordination.renewSlot(pool, vendor, input.jobId, stt.slotLeaseMs);
      const closed = await gateClosed();
      if (closed) return closed;
      let status;
      try {
        const signal = Context.current().cancellationSignal;
        status = await heartbeating(() => provider.poll(input.vendorJobId, { signal }));
      } catch (err) {
        return onVendorError(err);
      }
      await onVendorSuccess();
      if (status.status === 'completed') {
        await withTransaction(pool, (tx) => jobs.replaceUtterances(tx, input.jobId, status.utterances));
        return { rateLimited: false, status: 'completed', utterances: status.utterances.length };
      }
      return status.status === 'failed' ? { rateLimited: false, status: 'failed', error: status.error } : { rateLimited: false, status: 'transcribing' };
    },

    releaseSlot: async (input: { jobId: string }): Promise<void> => {
      await coordination.releaseSlot(pool, vendor, input.jobId);
    },

    finishTranscription: async (input: { jobId: string; status: string; error?: string }): Promise<void> => {
      await jobs.finishSttJob(pool, input.jobId, input.status, input.error);
    },
  };
}

export type SttActivities = ReturnType<typeof createSttActivities>;
