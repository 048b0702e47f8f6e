/**
 * When to poll a vendor job first. Polling from the start costs requests that can only answer
 * "still transcribing", and every request is another chance of a 429 that pauses every worker.
 * The vendor's time per byte of audio, as recent jobs showed it, says when this job can be done
 * at the earliest. Pure: the caller reads the samples.
 */

/** Completed jobs needed before their timing is trusted. */
export const MIN_TIMING_SAMPLES = 3;

export interface VendorTiming {
  /**
   * Milliseconds per byte of audio from the accepted submit to the request of the poll that found
   * the job done, the fastest of the recent jobs: the vendor took at most this long.
   */
  fastestMsPerByte: number | null;
  /**
   * Milliseconds per byte from the accepted submit to the request of the last poll that found the
   * job still transcribing, the largest of the recent jobs: the vendor took at least this long.
   * Null when no recent job was polled before it was done.
   */
  slowestRunningMsPerByte: number | null;
  samples: number;
}

/** Bounds closer than this share of the poll interval are close enough: the first poll goes at the upper one. */
export const CLOSE_BOUNDS_FRACTION = 0.1;

/** When to poll a job first, and when recent jobs say it is done at the latest; ms after its accepted submit. */
export interface FirstPollPlan {
  firstPollAfterMs: number;
  /** Absent until recent jobs have shown the vendor's time. */
  doneByMs?: number;
}

/**
 * The wait before the first poll, never less than the poll interval and never so long that the
 * job's slot lease (renewed by polls) could lapse. The vendor's time lies between the two bounds
 * the recent jobs set. While they are far apart the first poll goes halfway between them: found
 * done, it lowers the upper bound; found transcribing, it raises the lower one, and the job is
 * polled again at the upper bound (nextPollDelayMs). Once they are close it goes at the upper
 * bound. Polling always at the upper bound would let it creep: each poll is a little late, and its
 * lateness would become the next job's wait.
 */
export function firstPollPlan(timing: VendorTiming, sizeBytes: number | null, pollIntervalMs: number, slotLeaseMs: number): FirstPollPlan {
  if (timing.samples < MIN_TIMING_SAMPLES || timing.fastestMsPerByte === null || !sizeBytes) return { firstPollAfterMs: pollIntervalMs };
  const clamp = (ms: number) => Math.round(Math.max(pollIntervalMs, Math.min(ms, slotLeaseMs / 2)));
  const upper = timing.fastestMsPerByte * sizeBytes;
  const lower = timing.slowestRunningMsPerByte === null ? undefined : timing.slowestRunningMsPerByte * sizeBytes;
  const expected = lower !== undefined && upper - lower > pollIntervalMs * CLOSE_BOUNDS_FRACTION ? (lower + upper) / 2 : upper;
  return { firstPollAfterMs: clamp(expected), doneByMs: clamp(upper) };
}

/**
 * A first poll timed by the vendor's recent speed that still finds the job transcribing came early:
 * the next one goes when recent jobs say it is done at the latest, or, when that time has passed
 * (the job is slower than the others), after a quarter of the interval. One such step only, then
 * the interval, so requests (each a chance of a 429 that pauses everyone) stay near one per job.
 * Without that time (no recent job has shown the vendor's speed) the first poll went after one
 * interval, a guess and not an early estimate, and the next waits the interval too.
 */
export const EARLY_REPOLL_FRACTION = 0.25;

/**
 * The wait after poll number `pollsSoFar` (1 = the first) found the job still transcribing;
 * `msUntilDoneBy`: from now to the plan's `doneByMs`, given only when recent jobs timed the first poll.
 */
export function nextPollDelayMs(pollsSoFar: number, pollIntervalMs: number, msUntilDoneBy?: number): number {
  if (pollsSoFar !== 1 || msUntilDoneBy === undefined) return pollIntervalMs;
  if (msUntilDoneBy > 0) return Math.round(Math.min(msUntilDoneBy, pollIntervalMs));
  return Math.round(pollIntervalMs * EARLY_REPOLL_FRACTION);
}
