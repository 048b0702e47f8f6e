import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { SttSettings } from '../../pipelines/stt/settings';
import { backoffDelayMs } from '../../domain/shared/backoff';
import type { NotificationListener } from '../../infra/db/notifications';
import { withTransaction } from '../../infra/db/pool';
import * as jobs from '../../infra/stt/queries/jobs';
import * as coordination from '../../infra/vendor-gate/slots';
import * as vendorGates from '../../infra/vendor-gate/gates';
import { gateFor, limitClassOf, type GateName } from '../../domain/shared/vendor-limits';
import { whileHeartbeating } from '../shared/heartbeat';
import { vendorTurnRules, waitForTurn, waitOutShortHold, type Hold } from '../shared/vendor-turn';
import type { ObjectStore } from '../../infra/storage/object-store';
import { vendorTookNothing } from '../../infra/stt/classify';
import { SttQuotaExceededError, SttRateLimitedError } from '../../infra/stt/errors';
import type { SttProvider, SttSubmitOptions } from '../../infra/stt/provider';
import type { FetchPolicy } from '../../infra/http/fetch-remote';
import { FAILURE_TYPES, knownFailure } from '../shared/failure-types';
import { createAudioFetcher } from './fetch-audio';
import { firstPollPlan, nextPollDelayMs } from '../../domain/stt/poll-schedule';

/** The vendor said "not now": nobody calls it again before `retryAt`. */
export interface RateLimited {
  rateLimited: true;
  retryAt: string;
  reason: string;
}

/** `completed` comes from a synchronous vendor: the transcript is stored already and there is nothing to poll. */
/**
 * `firstPollAfterMs` and `doneByMs`: when to poll first and when the vendor's recent jobs say this one
 * is done at the latest (domain/stt/poll-schedule.ts, `firstPollPlan`), counted from `acceptedAt`
 * (epoch ms, this worker's clock) when the vendor's answer came now rather than from an earlier attempt.
 */
export type SubmitOutcome =
  | { rateLimited: false; vendorJobId: string; completed?: { utterances: number }; firstPollAfterMs?: number; doneByMs?: number; acceptedAt?: number }
  | RateLimited;
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
  fetch: FetchPolicy;
}

/** The vendor's time for a job found done by a poll sent at `doneAt`, on the workers' clocks. */
function vendorTiming(clock: { acceptedAt: number; runningAt?: number }, doneAt: number): jobs.VendorJobTiming {
  const since = (at: number) => Math.max(0, at - clock.acceptedAt);
  return { elapsedMs: since(doneAt), runningMs: clock.runningAt === undefined ? undefined : since(clock.runningAt) };
}

/** In-activity waiting stops after this long, well inside the 2-minute start-to-close timeout. */
const MAX_WAIT_IN_ACTIVITY_MS = 30_000;

/** What a submit attempt leaves for its retry. */
interface SubmitHeartbeat {
  vendorJobId: string;
}

export function createSttActivities(deps: SttActivityDeps) {
  const { pool, provider, stt } = deps;
  const vendor = provider.name;

  const rateLimited = (hold: Hold): RateLimited => ({ rateLimited: true, retryAt: hold.retryAt.toISOString(), reason: hold.reason });

  /**
   * The one place a vendor's "slow down" turns into a shared pause; other vendor errors pass
   * through. The 429's limit class picks the gate: a concurrency or quota limit stops submits
   * only, a rate limit stops everything. An A0002 on a submit also lowers the adaptive cap.
   */
  async function onVendorError(err: unknown, call: { route: 'submit' | 'poll'; jobId: string }): Promise<Hold> {
    if (!(err instanceof SttRateLimitedError) && !(err instanceof SttQuotaExceededError)) throw err;
    const quota = err instanceof SttQuotaExceededError;
    const code = err.vendorCode ?? (quota ? 'A0001' : err.code);
    const limit = limitClassOf(code);
    const gate = gateFor(limit);
    const reason = quota ? 'quota_exceeded' : `rate_limited_${code}`;
    const streak = (await vendorGates.consecutive429s(pool, vendor)) + 1;
    const delayMs = err.retryAfterMs ?? (quota ? stt.quotaPauseMs : backoffDelayMs(streak, stt.backoffBaseMs, stt.backoffMaxMs, Math.random()));
    if (limit === 'concurrency' && call.route === 'submit') {
      await withTransaction(pool, (tx) => coordination.recordConcurrencyRefusal(tx, vendor, call.jobId, stt.maxInFlight));
    }
    const until = await vendorGates.closeGate(pool, vendor, { gate, class: limit, code, reason, delayMs });
    // A poll is held up only by the gate that stops polls; one meeting a submit-only limit tries again after its interval.
    const retryAt = gate === 'all' || call.route === 'submit' ? until : new Date(Date.now() + stt.pollIntervalMs);
    return { retryAt, reason, gate };
  }

  async function onVendorSuccess(): Promise<void> {
    await vendorGates.endStreak(pool, vendor);
  }

  async function completed(): Promise<void> {
    await withTransaction(pool, (tx) => coordination.recordCompletion(tx, vendor, stt.maxInFlight, stt.capIncreaseEvery));
  }

  /**
   * Calls the vendor once its turn comes (activities/shared/vendor-turn.ts: the job's slot, if it
   * `takesSlot`, then the gates). A 429 closes the shared gate; a short pause is waited out here and
   * a longer one is returned as `limited`. The whole wait heartbeats: an attempt silent past the
   * heartbeat timeout is retried by Temporal while it still runs, and two live attempts of one
   * submit would both upload the audio (the vendor has no idempotency key).
   */
  async function whenAllowed<T>(
    call: { route: 'submit' | 'poll'; jobId: string; gates: readonly GateName[]; takesSlot?: boolean; maxWaitMs?: number },
    request: () => Promise<T>,
  ): Promise<{ value: T } | { limited: RateLimited }> {
    const deadline = Date.now() + (call.maxWaitMs ?? MAX_WAIT_IN_ACTIVITY_MS);
    const slot = call.takesSlot ? { jobId: call.jobId, configuredCap: stt.maxInFlight, leaseMs: stt.slotLeaseMs } : undefined;
    const rules = vendorTurnRules(pool, vendor, call.gates, deps.slotReleases, slot);
    return whileHeartbeating(async () => {
      for (;;) {
        const hold = await waitForTurn(rules, deadline);
        if (hold) return { limited: rateLimited(hold) };
        try {
          return { value: await request() };
        } catch (err) {
          const paused = await onVendorError(err, call);
          if (!(await waitOutShortHold(paused, deadline, deps.slotReleases))) return { limited: rateLimited(paused) };
        }
      }
    });
  }

  /**
   * Records the vendor job an asynchronous submit got accepted, and answers the id that stands (an
   * attempt that got in first keeps its own). A worker killed between the vendor's answer and this
   * commit submits the audio again on retry, and nothing can tell (the vendor has no idempotency
   * key): so the id is committed by one statement of its own, first, before the slot bookkeeping
   * that waits on the vendor's lock.
   */
  async function recordAccepted(jobId: string, vendorJobId: string): Promise<string> {
    const recorded = await jobs.recordVendorJobId(pool, jobId, vendorJobId);
    await markSlotSubmitted(jobId);
    return recorded;
  }

  /** Once per slot; a retry that finds its job's id recorded calls it too, should the attempt before it have died between the two commits. */
  async function markSlotSubmitted(jobId: string): Promise<void> {
    await withTransaction(pool, (tx) => coordination.markSubmitted(tx, vendor, jobId));
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

  /**
   * One poll; on completion the utterances go straight to PostgreSQL, only their count travels back.
   * With `clock` (the submit's answer and the last poll that found the job transcribing, epoch ms),
   * the poll that finds it done records the vendor's time for the next jobs' first polls.
   */
  async function pollOnce(input: { jobId: string; vendorJobId: string }, clock?: { acceptedAt: number; runningAt?: number }): Promise<PollOutcome> {
    await coordination.renewSlot(pool, vendor, input.jobId, stt.slotLeaseMs);
    let sentAt = Date.now();
    const polled = await whenAllowed({ route: 'poll', jobId: input.jobId, gates: ['all'] }, () => {
      sentAt = Date.now();
      return provider.poll(input.vendorJobId, { signal: Context.current().cancellationSignal });
    });
    if ('limited' in polled) return polled.limited;
    const status = polled.value;
    await onVendorSuccess();
    // The vendor frees the job's place once its result is fetched (or it failed): so do we, now,
    // rather than a workflow round trip later, so the next job can be submitted sooner.
    if (status.status !== 'transcribing') await coordination.releaseSlot(pool, vendor, input.jobId);
    if (status.status === 'completed') {
      await withTransaction(pool, async (tx) => {
        await jobs.replaceUtterances(tx, input.jobId, status.utterances);
        await jobs.recordVendorDone(tx, input.jobId, clock && vendorTiming(clock, sentAt));
      });
      await completed();
      return { rateLimited: false, status: 'completed', utterances: status.utterances.length };
    }
    if (status.status === 'failed') return { rateLimited: false, status: 'failed', error: status.error };
    if (clock) clock.runningAt = sentAt;
    return { rateLimited: false, status: 'transcribing' };
  }

  return {
    /** An `{audioUrl}` job's audio, fetched into object storage (heartbeats; a retry resumes). */
    fetchAudioUrl: createAudioFetcher({ pool, store: deps.store, fetch: deps.fetch, maxBytes: stt.maxUploadBytes }),

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
     * Waits up to `maxWaitMs` (heartbeating, woken by any slot release) for one of the cap's slots and
     * the gates; still waiting by then, it answers WAITING_FOR_SLOT and the workflow calls again.
     * A synchronous vendor's transcript is stored in the same transaction as its id, so a retry that
     * finds the id finds the transcript too.
     */
    submitTranscription: async (input: { jobId: string; maxWaitMs?: number }): Promise<SubmitOutcome> => {
      const job = await loadJob(input.jobId);
      const { audioKey, contentType } = job;
      if (!audioKey || !contentType) throw knownFailure(FAILURE_TYPES.badData, `transcription ${job.id} has no stored audio yet`);
      const submittedAsync = async (vendorJobId: string, acceptedAt?: number): Promise<SubmitOutcome> => ({
        rateLimited: false,
        vendorJobId,
        ...firstPollPlan(await jobs.recentVendorTiming(pool, vendor), job.sizeBytes, stt.pollIntervalMs, stt.slotLeaseMs),
        acceptedAt,
      });
      if (job.vendorJobId) {
        if (!provider.synchronous) {
          await markSlotSubmitted(job.id);
          return await submittedAsync(job.vendorJobId);
        }
        return { rateLimited: false, vendorJobId: job.vendorJobId, completed: { utterances: (await jobs.findUtterances(pool, job.id)).length } };
      }
      const accepted = acceptedEarlier();
      if (accepted) return await submittedAsync(await recordAccepted(job.id, accepted));
      // An earlier attempt's submit went out and its answer never came back: the vendor may be running
      // it, and it offers no idempotency key to ask. This one goes out all the same; the job shows it.
      if (await jobs.countLostSubmit(pool, job.id)) {
        Context.current().log.warn('an earlier submit of this job was sent and never answered; submitting again, the vendor may run the audio twice', { jobId: job.id });
      }
      const extension = job.filename.includes('.') ? job.filename.slice(job.filename.lastIndexOf('.')) : '';
      // The submit takes the job's slot, or finds it held already; a job refused for concurrency gave
      // its slot back and queues behind the cap again.
      const submitted = await whenAllowed({ route: 'submit', jobId: job.id, gates: ['submit', 'all'], takesSlot: true, maxWaitMs: input.maxWaitMs }, async () => {
        try {
          return await provider.submit(
            // Named after the job so the vendor's logs (and the fake vendor's counters) tie uploads to jobs.
            { body: () => deps.store.get(audioKey), filename: `${job.id}${extension}`, contentType },
            { ...(job.options as SttSubmitOptions), signal: Context.current().cancellationSignal, onSending: () => jobs.markSubmitSent(pool, job.id) },
          );
        } catch (err) {
          // A refusal started no job; no answer, a 5xx or a garbled 2xx may have, and stays in doubt.
          if (vendorTookNothing(err)) await jobs.clearSubmitSent(pool, job.id);
          throw err;
        }
      });
      if ('limited' in submitted) return submitted.limited;
      const acceptedAt = Date.now();
      const submission = submitted.value;
      const { completed: transcript } = submission;
      // Heartbeat details outlive a failed attempt (the worker flushes them with the failure): if
      // PostgreSQL is gone before the id is recorded, the retry records this id instead of
      // submitting the audio a second time (the vendor offers no idempotency key).
      if (!transcript) {
        Context.current().heartbeat({ vendorJobId: submission.vendorJobId } satisfies SubmitHeartbeat);
        const vendorJobId = await recordAccepted(job.id, submission.vendorJobId);
        await onVendorSuccess();
        return await submittedAsync(vendorJobId, vendorJobId === submission.vendorJobId ? acceptedAt : undefined);
      }
      const outcome = await withTransaction(pool, async (tx): Promise<SubmitOutcome> => {
        const vendorJobId = await jobs.recordVendorJobId(tx, job.id, submission.vendorJobId);
        await coordination.markSubmitted(tx, vendor, job.id);
        if (vendorJobId !== submission.vendorJobId) {
          // An attempt that got in first stored its own transcript with its id; that one stands.
          return { rateLimited: false, vendorJobId, completed: { utterances: (await jobs.findUtterances(tx, job.id)).length } };
        }
        await jobs.replaceUtterances(tx, job.id, transcript.utterances);
        return { rateLimited: false, vendorJobId, completed: { utterances: transcript.utterances.length } };
      });
      await onVendorSuccess();
      await completed();
      return outcome;
    },

    /** One poll (runs started before polls waited inside the activity call this; awaitTranscription polls now). */
    pollTranscription: (input: { jobId: string; vendorJobId: string }): Promise<PollOutcome> => pollOnce(input),

    /**
     * Waits `firstPollAfterMs`, then polls every `pollIntervalMs` until the job is done, the vendor
     * pauses us for longer than a short wait, or `maxWaitMs` has passed (then it answers
     * `transcribing` and the workflow calls again). Waiting here rather than on workflow timers saves
     * an activity round trip per poll, and the dev server fires timers only on its once-a-second tick,
     * which held a finished job's slot up to a second longer.
     */
    awaitTranscription: async (input: {
      jobId: string;
      vendorJobId: string;
      firstPollAfterMs: number;
      /**
       * When the first poll is due (epoch ms, the submitting worker's clock): the time between the
       * vendor's answer and this activity's start (a workflow task, a dispatch) is then not added to
       * every job's wait. Never waits longer than `firstPollAfterMs`, so a clock ahead of ours
       * cannot delay it; one behind makes the poll early, which costs one "not yet".
       */
      firstPollAt?: number;
      /**
       * When the vendor accepted the job (epoch ms, the submitting worker's clock): the poll that
       * finds it done records the vendor's time from it. Absent in older runs and continued ones.
       */
      acceptedAt?: number;
      /** When recent jobs say the job is done at the latest (epoch ms, the submitting worker's clock): an early first poll is followed then. */
      doneByAt?: number;
      pollIntervalMs: number;
      maxWaitMs: number;
    }): Promise<PollOutcome & { polls: number }> => {
      const ctx = Context.current();
      const deadline = Date.now() + input.maxWaitMs;
      const timedFirstPoll = input.firstPollAt !== undefined;
      const firstWaitMs = timedFirstPoll ? Math.max(0, Math.min(input.firstPollAfterMs, input.firstPollAt! - Date.now())) : input.firstPollAfterMs;
      const clock = input.acceptedAt === undefined ? undefined : { acceptedAt: input.acceptedAt };
      return whileHeartbeating(async () => {
        await ctx.sleep(firstWaitMs);
        for (let polls = 1; ; polls++) {
          const outcome = await pollOnce(input, clock);
          const done = outcome.rateLimited || outcome.status !== 'transcribing';
          const nextMs = nextPollDelayMs(polls, input.pollIntervalMs, timedFirstPoll && input.doneByAt !== undefined ? input.doneByAt - Date.now() : undefined);
          if (done || Date.now() + nextMs > deadline) return { ...outcome, polls };
          await ctx.sleep(nextMs);
        }
      });
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
