import { seededRandom } from '../fake-stt-vendor/random';
import { mergeModelOptions, type FakeModelServerOptions, type FakeModelServerOptionsPatch } from './options';

/** What the server decided a request gets: refused now, or answered with these faults. */
export type Admission =
  | { kind: 'rate_limited' | 'unavailable'; retryAfterSeconds: number }
  | { kind: 'answer'; malformed: boolean; hang: boolean; invalidJson: boolean };

export interface FakeModelServerStats {
  requests: number;
  streamed: number;
  completed: number;
  rateLimited: number;
  unavailable: number;
  malformed: number;
  hung: number;
  invalidJson: number;
  inFlight: number;
  peakInFlight: number;
  promptTokens: number;
  completionTokens: number;
  /** Wall time spent answering completed requests, summed (ms): a bench compares it with its makespan. */
  answeringMs: number;
}

const emptyStats = (): FakeModelServerStats => ({
  requests: 0,
  streamed: 0,
  completed: 0,
  rateLimited: 0,
  unavailable: 0,
  malformed: 0,
  hung: 0,
  invalidJson: 0,
  inFlight: 0,
  peakInFlight: 0,
  promptTokens: 0,
  completionTokens: 0,
  answeringMs: 0,
});

/** Every decision of the fake model server, apart from HTTP. */
export class FakeModelServerState {
  private random: () => number;
  private counters = emptyStats();

  constructor(public options: FakeModelServerOptions) {
    this.random = seededRandom(options.seed);
  }

  configure(patch: FakeModelServerOptionsPatch | unknown): FakeModelServerOptions {
    const before = this.options.seed;
    this.options = mergeModelOptions(this.options, patch);
    if (this.options.seed !== before) this.random = seededRandom(this.options.seed);
    return this.options;
  }

  reset(): void {
    this.counters = { ...emptyStats(), inFlight: this.counters.inFlight };
    this.random = seededRandom(this.options.seed);
  }

  stats(): FakeModelServerStats {
    return { ...this.counters };
  }

  /** A `…Next` countdown or a draw against the rate. */
  private fault(next: 'unavailableNext' | 'malformedNext' | 'hangNext' | 'invalidJsonNext', rate: number): boolean {
    if (this.options[next] > 0) {
      this.options = { ...this.options, [next]: this.options[next] - 1 };
      return true;
    }
    return rate > 0 && this.random() < rate;
  }

  /** Admits a request (counting it in flight until `finish`) or refuses it. */
  admit(stream: boolean): Admission {
    const o = this.options;
    this.counters.requests += 1;
    if (o.maxConcurrentRequests > 0 && this.counters.inFlight >= o.maxConcurrentRequests) {
      this.counters.rateLimited += 1;
      return { kind: 'rate_limited', retryAfterSeconds: o.retryAfterSeconds };
    }
    if (this.fault('unavailableNext', o.unavailableRate)) {
      this.counters.unavailable += 1;
      return { kind: 'unavailable', retryAfterSeconds: o.retryAfterSeconds };
    }
    this.counters.inFlight += 1;
    this.counters.peakInFlight = Math.max(this.counters.peakInFlight, this.counters.inFlight);
    if (stream) this.counters.streamed += 1;
    const admission = {
      kind: 'answer' as const,
      malformed: stream && this.fault('malformedNext', o.malformedRate),
      hang: stream && this.fault('hangNext', o.hangRate),
      invalidJson: this.fault('invalidJsonNext', o.invalidJsonRate),
    };
    if (admission.malformed) this.counters.malformed += 1;
    if (admission.hang) this.counters.hung += 1;
    if (admission.invalidJson) this.counters.invalidJson += 1;
    return admission;
  }

  /** The request's connection is done (answered, or the client went away). */
  finish(outcome: { completed: boolean; promptTokens: number; completionTokens: number; elapsedMs: number }): void {
    this.counters.inFlight -= 1;
    if (!outcome.completed) return;
    this.counters.completed += 1;
    this.counters.answeringMs += outcome.elapsedMs;
    this.counters.promptTokens += outcome.promptTokens;
    this.counters.completionTokens += outcome.completionTokens;
  }
}
