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

/**
 * The wait before the first poll, never less than the poll interval and never so long that the
 * job's slot lease (renewed by polls) could lapse. The vendor's time lies between the two bounds
 * the recent jobs set. While they are far apart the first poll goes halfway between them: found
 * done, it lowers the upper bound; found transcribing, it raises the lower one (and the job is
 * polled again soon, nextPollDelayMs). Once they are close it goes at the upper bound. Polling
 * always at the upper bound would let it creep: each poll is a little late, and its lateness would
 * become the next job's wait.
 */
export function firstPollDelayMs(timing: VendorTiming, sizeBytes: number | null, pollIntervalMs: number, slotLeaseMs: number): number {
  if (timing.samples < MIN_TIMING_SAMPLES || timing.fastestMsPerByte === null || !sizeBytes) return pollIntervalMs;
  const upper = timing.fastestMsPerByte * sizeBytes;
  const lower = timing.slowestRunningMsPerByte === null ? undefined : timing.slowestRunningMsPerByte * sizeBytes;
  const expected = lower !== undefined && upper - lower > pollIntervalMs * CLOSE_BOUNDS_FRACTION ? (lower + upper) / 2 : upper;
  return Math.round(Math.max(pollIntervalMs, Math.min(expected, slotLeaseMs / 2)));
}

/**
 * A first poll timed by the vendor's recent speed that still finds the job transcribing came a
 * little early: the job is about done, so the next poll follows after a quarter of the interval
 * rather than the whole of it. One short step only: a job that is slower than the others goes back
 * to the interval, so requests (each a chance of a 429 that pauses everyone) stay near one per job.
 */
export const EARLY_REPOLL_FRACTION = 0.25;

/** The wait after poll number `pollsSoFar` (1 = the first) found the job still transcribing. */
export function nextPollDelayMs(pollsSoFar: number, pollIntervalMs: number, firstPollWasTimed: boolean): number {
  if (firstPollWasTimed && pollsSoFar === 1) return Math.round(pollIntervalMs * EARLY_REPOLL_FRACTION);
  return pollIntervalMs;
}
