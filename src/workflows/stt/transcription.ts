import {
  ApplicationFailure,
  CancellationScope,
  ContinueAsNew,
  continueAsNew,
  defineQuery,
  isCancellation,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { FailureTypeName } from '../../activities/shared/failure-types';
import type { PollOutcome, RateLimited, SttActivities, SubmitOutcome } from '../../activities/stt';
import { WAITING_FOR_SLOT } from '../../domain/shared/vendor-limits';
import type { SttTuning } from '../../pipelines/stt/settings';
import { failureMessage } from '../shared/failures';
import { STATUS_DETAIL } from '../shared/search-attributes';

export type TranscriptionPhase = 'queued' | 'fetching_audio' | 'waiting_for_slot' | 'submitted' | 'transcribing' | 'rate_limited' | 'completed' | 'failed' | 'canceled';

export interface TranscriptionState {
  phase: TranscriptionPhase;
  vendorJobId: string | null;
  /** While rate_limited: when the vendor will be called again. */
  retryAt: string | null;
  reason: string | null;
  /** Vendor calls made for this job (submits and polls). */
  attempts: number;
  utterances: number | null;
  error: string | null;
  updatedAt: string;
}

export interface TranscriptionInput {
  jobId: string;
  tuning?: SttTuning;
  /** Runs started before settings reached workflows as `tuning` carried these two at the top level. */
  pollIntervalMs?: number;
  /** Where slot waits run; absent in runs started before slot waits had their own queue. */
  slotTaskQueue?: string;
  /** The job was given an `{audioUrl}`: its audio is fetched first. Absent in runs of uploads and older runs. */
  audioFromUrl?: boolean;
  /** Set when a long poll continued as a new run: the job is submitted and holds its slot. */
  resumePolling?: { vendorJobId: string; attempts: number };
}

type Accepted = Extract<SubmitOutcome, { rateLimited: false }>;

export const transcriptionStateQuery = defineQuery<TranscriptionState>('state');

// A vendor refusal or bad credentials arrive marked non-retryable (activities/stt/failures.ts) and stop at once.
const RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 } as const;
const VENDOR_JOB_FAILED: FailureTypeName = 'VendorJobFailed';
/** Marks runs that finish on a synchronous vendor's submit; earlier code went on to poll it. */
const SYNCHRONOUS_RESULT_PATCH = 'stt-synchronous-vendor-skips-polling';
/** Marks runs that fetch an `{audioUrl}` themselves; the API used to fetch it inside the request. */
const AUDIO_URL_PATCH = 'stt-fetch-audio-url-in-workflow';
/** Marks runs that poll on in a new run once their history grows long; earlier code polled on in one. */
const CONTINUE_LONG_POLLS_PATCH = 'stt-long-polls-continue-as-new';
/** Marks runs that wait for the vendor's expected time before their first poll; earlier code polled from the start. */
const FIRST_POLL_PATCH = 'stt-first-poll-at-expected-time';
/** Marks runs that wait for a slot inside the submit activity; earlier code took the slot in an activity of its own first. */
const SUBMIT_WAITS_FOR_SLOT_PATCH = 'stt-submit-waits-for-slot';
/** How long one slot-queue call waits for a slot before the workflow calls again. */
const SLOT_WAIT_PER_CALL_MS = 60_000;
/** Marks runs whose polls wait inside one activity call; earlier code slept on a workflow timer before each poll. */
const POLLS_IN_ACTIVITY_PATCH = 'stt-polls-wait-inside-activity';
/** For runs whose tuning predates STT_POLL_WAIT_IN_ACTIVITY_MS. */
const DEFAULT_WAIT_IN_POLL_ACTIVITY_MS = 30_000;
/**
 * A poll costs about 11 history events (timer, activity, two workflow tasks); Temporal slows down past a
 * few thousand. Continue well before ~2,000.
 */
const MAX_HISTORY_EVENTS = 1_000;

const vendor = proxyActivities<SttActivities>({
  // A vendor that hangs is cut off here and the call retried.
  startToCloseTimeout: '2 minutes',
  // Submits and polls heartbeat while they wait on the vendor: a worker lost mid-call is noticed in seconds.
  heartbeatTimeout: '20 seconds',
  retry: RETRY,
});
const slotQueueSubmitter = (taskQueue?: string) =>
  proxyActivities<SttActivities>({
    taskQueue,
    startToCloseTimeout: '2 minutes',
    heartbeatTimeout: '20 seconds',
    retry: RETRY,
    summary: 'wait for one of the account’s concurrent-job slots, then submit',
  }).submitTranscription;
const slotWaiter = (taskQueue?: string) =>
  proxyActivities<SttActivities>({
    taskQueue,
    startToCloseTimeout: '2 minutes',
    heartbeatTimeout: '20 seconds',
    retry: RETRY,
    summary: 'wait for one of the account’s concurrent-job slots',
  }).acquireSlot;
const audioSource = proxyActivities<SttActivities>({
  // Beyond FETCH_DEADLINE_MS's default; a longer fetch is cut off and resumed by the retry.
  startToCloseTimeout: '20 minutes',
  heartbeatTimeout: '1 minute',
  // A refused URL, a 4xx answer or audio the vendor cannot take arrive non-retryable.
  retry: { ...RETRY, maximumAttempts: 5 },
  summary: 'fetch the audio URL into object storage',
});
const bookkeeping = proxyActivities<SttActivities>({ startToCloseTimeout: '30 seconds', retry: { ...RETRY, maximumAttempts: 20 } });

/**
 * One audio file through the vendor: fetch it when it was given as a URL, take a slot, submit once, poll until done, keep the
 * transcript; a synchronous vendor answers the submit with the transcript and is never polled.
 * A 429 anywhere pauses every worker (the shared gate) and this job shows `rate_limited` with
 * the time it will try again, instead of failing.
 */
export async function transcriptionWorkflow(input: TranscriptionInput): Promise<TranscriptionState> {
  const tuning = input.tuning ?? { pollIntervalMs: input.pollIntervalMs ?? 5_000, slotTaskQueue: input.slotTaskQueue };
  const state: TranscriptionState = { phase: 'queued', vendorJobId: null, retryAt: null, reason: null, attempts: 0, utterances: null, error: null, updatedAt: new Date().toISOString() };
  setHandler(transcriptionStateQuery, () => state);
  const enter = (phase: TranscriptionPhase, extra: Partial<TranscriptionState> = {}) => {
    Object.assign(state, { phase, retryAt: null, reason: null, ...extra, updatedAt: new Date().toISOString() });
    upsertSearchAttributes([{ key: STATUS_DETAIL, value: phase }]);
    setCurrentDetails(phase === 'rate_limited' ? `**rate limited** by the vendor (${state.reason}); retrying at ${state.retryAt}` : `**${phase}**${state.vendorJobId ? ` · vendor job \`${state.vendorJobId}\`` : ''}`);
  };
  const waitOut = async (limited: RateLimited) => {
    enter('rate_limited', { retryAt: limited.retryAt, reason: limited.reason });
    await sleep(Math.max(0, Date.parse(limited.retryAt) - Date.now()));
  };

  const resumed = input.resumePolling;
  let holdsSlot = resumed !== undefined;
  let firstPollAfterMs: number | undefined;
  /** When the vendor accepted the job in this run; every poll measures the vendor's time from it. */
  let acceptedAt: number | undefined;
  let doneByMs: number | undefined;
  const complete = async (utterances: number) => {
    await bookkeeping.releaseSlot({ jobId: input.jobId });
    holdsSlot = false;
    await bookkeeping.finishTranscription({ jobId: input.jobId, status: 'COMPLETED' });
    enter('completed', { utterances });
    return state;
  };
  /** One activity on the slot queue waits for a slot and submits: no round trip through the workflow between the two. */
  const submitWhenSlotFree = async (): Promise<Accepted> => {
    const submit = slotQueueSubmitter(tuning.slotTaskQueue);
    // The activity may take a slot in any call: a run that fails from here on gives it back.
    holdsSlot = true;
    for (;;) {
      const submitted = await submit({ jobId: input.jobId, maxWaitMs: SLOT_WAIT_PER_CALL_MS });
      if (submitted.rateLimited && submitted.reason === WAITING_FOR_SLOT) continue;
      state.attempts += 1;
      if (!submitted.rateLimited) return submitted;
      await waitOut(submitted);
    }
  };
  /** Runs started before submits waited for their own slot took it in an activity of its own first. */
  const takeSlotThenSubmit = async (): Promise<Accepted> => {
    const acquireSlot = slotWaiter(tuning.slotTaskQueue);
    while (!(await acquireSlot({ jobId: input.jobId, maxWaitMs: SLOT_WAIT_PER_CALL_MS })).acquired);
    holdsSlot = true;
    for (;;) {
      state.attempts += 1;
      const submitted = await vendor.submitTranscription({ jobId: input.jobId });
      if (!submitted.rateLimited) return submitted;
      await waitOut(submitted);
    }
  };
  try {
    if (resumed) {
      state.attempts = resumed.attempts;
      enter('transcribing', { vendorJobId: resumed.vendorJobId });
    } else {
      if (input.audioFromUrl && patched(AUDIO_URL_PATCH)) {
        enter('fetching_audio');
        await audioSource.fetchAudioUrl({ jobId: input.jobId });
      }
      enter('waiting_for_slot');
      const accepted = patched(SUBMIT_WAITS_FOR_SLOT_PATCH) ? await submitWhenSlotFree() : await takeSlotThenSubmit();
      enter('submitted', { vendorJobId: accepted.vendorJobId });
      firstPollAfterMs = accepted.firstPollAfterMs;
      doneByMs = accepted.doneByMs;
      acceptedAt = accepted.acceptedAt;
      if (accepted.completed && patched(SYNCHRONOUS_RESULT_PATCH)) return await complete(accepted.completed.utterances);
    }

    for (;;) {
      if (workflowInfo().historyLength > MAX_HISTORY_EVENTS && patched(CONTINUE_LONG_POLLS_PATCH)) {
        // The slot stays held: its lease is renewed by the next run's polls.
        holdsSlot = false;
        return await continueAsNew<typeof transcriptionWorkflow>({ ...input, resumePolling: { vendorJobId: state.vendorJobId!, attempts: state.attempts } });
      }
      // The first poll waits as long as recent jobs say this one takes: earlier polls can only say "not yet".
      const firstPoll = firstPollAfterMs !== undefined && patched(FIRST_POLL_PATCH);
      const waitMs = firstPoll ? Math.max(tuning.pollIntervalMs, firstPollAfterMs!) : tuning.pollIntervalMs;
      const firstPollAt = firstPoll && acceptedAt !== undefined ? acceptedAt + waitMs : undefined;
      const doneByAt = firstPollAt !== undefined && doneByMs !== undefined ? acceptedAt! + doneByMs : undefined;
      firstPollAfterMs = undefined;
      let polled: PollOutcome;
      if (patched(POLLS_IN_ACTIVITY_PATCH)) {
        // Short waits happen inside the activity, on the worker's clock; a longer one is a durable timer first.
        const maxWaitMs = tuning.pollWaitInActivityMs ?? DEFAULT_WAIT_IN_POLL_ACTIVITY_MS;
        const inActivityMs = Math.min(waitMs, maxWaitMs);
        if (waitMs > inActivityMs) await sleep(waitMs - inActivityMs);
        // The vendor holds the job from its accepted submit on; the activity below reports back only when it is done.
        if (state.phase !== 'transcribing') enter('transcribing');
        const awaited = await vendor.awaitTranscription({
          jobId: input.jobId,
          vendorJobId: state.vendorJobId!,
          firstPollAfterMs: inActivityMs,
          firstPollAt,
          acceptedAt,
          doneByAt,
          pollIntervalMs: tuning.pollIntervalMs,
          maxWaitMs,
        });
        state.attempts += awaited.polls;
        polled = awaited;
      } else {
        await sleep(waitMs);
        state.attempts += 1;
        polled = await vendor.pollTranscription({ jobId: input.jobId, vendorJobId: state.vendorJobId! });
      }
      if (polled.rateLimited) {
        await waitOut(polled);
      } else if (polled.status === 'transcribing') {
        if (state.phase !== 'transcribing') enter('transcribing');
      } else if (polled.status === 'completed') {
        return await complete(polled.utterances);
      } else {
        throw ApplicationFailure.nonRetryable(`the vendor could not transcribe the audio: ${polled.error}`, VENDOR_JOB_FAILED);
      }
    }
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err;
    const canceled = isCancellation(err);
    const message = failureMessage(err);
    await CancellationScope.nonCancellable(async () => {
      if (holdsSlot) await bookkeeping.releaseSlot({ jobId: input.jobId });
      await bookkeeping.finishTranscription({ jobId: input.jobId, status: canceled ? 'CANCELED' : 'FAILED', error: canceled ? undefined : message });
      enter(canceled ? 'canceled' : 'failed', { error: canceled ? null : message });
    });
    throw err;
  }
}
