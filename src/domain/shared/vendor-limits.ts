/**
 * How a vendor's 429s and completions shape what the workers may send: which gate a 429 closes,
 * and the adaptive cap on concurrent vendor jobs (additive increase, multiplicative decrease, as
 * in Netflix's concurrency-limits). Pure: the caller reads and writes the shared state.
 */

/** Which of the account's limits a 429 says was hit. */
export type LimitClass = 'concurrency' | 'quota' | 'rate' | 'unknown';
export const LIMIT_CLASSES: readonly LimitClass[] = ['concurrency', 'quota', 'rate', 'unknown'];

/** `submit` stops new vendor jobs only; `all` stops every request, polls of running jobs too. */
export type GateName = 'submit' | 'all';

/** RTZR's codes: A0002 concurrent jobs, A0001 usage quota (OpenAI: insufficient_quota), A0003 request rate. */
export function limitClassOf(vendorCode: string | undefined): LimitClass {
  if (vendorCode === 'A0002') return 'concurrency';
  if (vendorCode === 'A0001' || vendorCode === 'insufficient_quota') return 'quota';
  if (vendorCode === 'A0003') return 'rate';
  return 'unknown';
}

/** Concurrency and quota concern new jobs only; a rate limit, or a 429 that names none, concerns every request. */
export function gateFor(limit: LimitClass): GateName {
  return limit === 'concurrency' || limit === 'quota' ? 'submit' : 'all';
}

/** The reason a call that found every slot of the cap taken gives back: not a vendor limit, a queue. */
export const WAITING_FOR_SLOT = 'waiting_for_slot';

export interface AdaptiveCap {
  /** Concurrent vendor jobs allowed; null until a refusal taught us anything. */
  learned: number | null;
  /** Most vendor jobs running at once since the cap last changed. */
  provenInFlight: number;
  completedSinceChange: number;
  /** True after an A0002 until a submit is accepted. */
  refusedSinceAccept: boolean;
  /** True after a refusal halved the cap until a submit is accepted: one fall of the limit halves it once. */
  halvedSinceAccept: boolean;
}

export const INITIAL_CAP: AdaptiveCap = { learned: null, provenInFlight: 0, completedSinceChange: 0, refusedSinceAccept: false, halvedSinceAccept: false };

/** The cap in force: the learned one, never above what is configured now (the setting may have been lowered). */
export function effectiveCap(state: AdaptiveCap, configured: number): number {
  return Math.max(1, Math.min(state.learned ?? configured, configured));
}

/** What the worker knows of one A0002. */
export interface ConcurrencyRefusal {
  /** Vendor jobs running when it was refused, by our count: accepted ones, and submits on their way. */
  acceptedInFlight: number;
  /** The submit went out before the previous A0002 was recorded: it was on its way with that one. */
  sentBeforePreviousRefusal: boolean;
}

/**
 * An A0002: the account runs at most the jobs it had accepted when it refused this one, i.e. the
 * jobs in flight then (this submit included) minus one, never below 1. A second refusal before any
 * submit is accepted, below the cap, means the limit itself fell (the jobs in flight are above it):
 * halve the cap rather than step down one job per refusal. Not for submits that were on their way
 * together: each one's count included the others until they were refused too, so the last of them
 * counts below a cap that the first set, with nothing new learned. And once only until a submit is
 * accepted: our count of the vendor's jobs can be one off, and a refusal one job below a cap just
 * halved to is that, not a second fall. Both step the cap down to their count instead (4 → 3, not 2).
 */
export function afterConcurrencyRefusal(state: AdaptiveCap, configured: number, refusal: ConcurrencyRefusal): AdaptiveCap {
  const current = effectiveCap(state, configured);
  const { acceptedInFlight } = refusal;
  let learned = Math.max(1, Math.min(current, acceptedInFlight));
  // Only a refusal below the cap is news: one at or above it came from a submit admitted before the cap fell.
  const halve = state.refusedSinceAccept && !state.halvedSinceAccept && !refusal.sentBeforePreviousRefusal && acceptedInFlight < current;
  if (halve) learned = Math.max(1, Math.min(learned, Math.floor(current / 2)));
  return {
    learned,
    provenInFlight: Math.min(acceptedInFlight, learned),
    completedSinceChange: 0,
    refusedSinceAccept: true,
    halvedSinceAccept: state.halvedSinceAccept || halve,
  };
}

/** An accepted submit: `acceptedInFlight` jobs run at once, this one included. */
export function afterAcceptedSubmit(state: AdaptiveCap, acceptedInFlight: number): AdaptiveCap {
  return { ...state, provenInFlight: Math.max(state.provenInFlight, acceptedInFlight), refusedSinceAccept: false, halvedSinceAccept: false };
}

/** Every `increaseEvery` completed jobs without an A0002 the cap grows by one, up to the configured one. */
export function afterCompletion(state: AdaptiveCap, configured: number, increaseEvery: number): AdaptiveCap {
  if (state.learned === null) return state;
  const completed = state.completedSinceChange + 1;
  if (completed < increaseEvery) return { ...state, completedSinceChange: completed };
  const learned = Math.min(configured, effectiveCap(state, configured) + 1);
  return { ...state, learned: learned >= configured ? null : learned, completedSinceChange: 0 };
}

/**
 * May one more job take a slot? Below the cap, and: up to the concurrency already proven, any
 * number of jobs may be submitting at once; one job at a time may go beyond it (a probe), so an
 * account whose limit is lower than the cap refuses one submit, not a burst of them.
 */
export function maySubmitAnother(slotsHeld: number, cap: number, provenInFlight: number): boolean {
  return slotsHeld < cap && slotsHeld <= provenInFlight;
}
