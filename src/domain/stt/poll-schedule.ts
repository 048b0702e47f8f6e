/**
 * When to poll a vendor job first. Polling from the start costs requests that can only answer
 * "still transcribing", and every request is another chance of a 429 that pauses every worker.
 * The vendor's time per byte of audio, as recent jobs showed it, says when this job can be done
 * at the earliest. Pure: the caller reads the samples.
 */

/** Completed jobs needed before their timing is trusted. */
export const MIN_TIMING_SAMPLES = 3;

export interface VendorTiming {
  /** Milliseconds from the accepted submit to the poll that found the job done, per byte of audio, fastest of the recent jobs. */
  fastestMsPerByte: number | null;
  samples: number;
}

/**
 * The wait before the first poll: the fastest recent rate applied to this job's audio, never less
 * than the poll interval, and never so long that the job's slot lease (renewed by polls) could lapse.
 * The fastest rate, not the typical one: a first poll a little early costs one request, a late one
 * holds a finished job's slot.
 */
export function firstPollDelayMs(timing: VendorTiming, sizeBytes: number | null, pollIntervalMs: number, slotLeaseMs: number): number {
  if (timing.samples < MIN_TIMING_SAMPLES || timing.fastestMsPerByte === null || !sizeBytes) return pollIntervalMs;
  const expected = timing.fastestMsPerByte * sizeBytes;
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
