/**
 * When to poll a vendor job first. Polling from the start costs requests that can only answer
 * "still transcribing", and every request is another chance of a 429 that pauses every worker.
 * The vendor's time per byte of audio, as recent jobs showed it, says when this job can be done
 * at the earliest. Pure: the caller reads the samples.
 */

/** Completed jobs needed before their timing is trusted. */
export const MIN_TIMING_SAMPLES = 3;

export interface VendorTiming {
  /** Milliseconds from accepted submit to the poll that found the job done, per byte of audio, fastest of the recent jobs. */
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
