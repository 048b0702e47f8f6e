import { DEFAULT_SAMPLE_VIDEO_HOST_OPTIONS, mergeOptions, RESET_KNOBS, type HostRoute, type SampleVideoHostOptions } from './options';
import { HostCounters, type SampleVideoHostStats } from './stats';

/**
 * The host's decisions without HTTP: current knobs, counters, and the per-name memory behind
 * "fail the first k flaky requests" and "reset at most K responses".
 */
export class SampleVideoHostState {
  readonly counters = new HostCounters();
  private current: SampleVideoHostOptions;
  private readonly flakyRequests = new Map<string, number>();
  private readonly resetsClaimed = new Map<string, number>();

  constructor(options: SampleVideoHostOptions = DEFAULT_SAMPLE_VIDEO_HOST_OPTIONS) {
    this.current = mergeOptions(options, {});
  }

  get options(): SampleVideoHostOptions {
    return structuredClone(this.current);
  }

  /** Read on every chunk, so a live change of bandwidth reaches responses already streaming. */
  get bandwidthBytesPerSecond(): number {
    return this.current.bandwidthBytesPerSecond;
  }

  /** Applies a live change. Touching a reset knob restarts the "at most K resets" count. */
  configure(patch: unknown): SampleVideoHostOptions {
    this.current = mergeOptions(this.current, patch);
    const keys = typeof patch === 'object' && patch !== null ? Object.keys(patch) : [];
    if (keys.some((key) => (RESET_KNOBS as string[]).includes(key))) this.resetsClaimed.clear();
    return this.options;
  }

  /** Forgets counters and per-name memory; keeps the options. */
  reset(): void {
    this.counters.clear();
    this.flakyRequests.clear();
    this.resetsClaimed.clear();
  }

  stats(): SampleVideoHostStats {
    return this.counters.snapshot();
  }

  hangs(route: HostRoute): boolean {
    return this.current.hang === 'all' || this.current.hang === route;
  }

  /** Counts a flaky request for `name`; true while it is among the first `failures`. */
  flakyShouldFail(name: string, failures: number): boolean {
    const seen = (this.flakyRequests.get(name) ?? 0) + 1;
    this.flakyRequests.set(name, seen);
    return seen <= failures;
  }

  /**
   * Where to cut a body of `bodyLength` bytes for `name`, or undefined to send it whole. A body
   * shorter than the cut point completes and does not use up one of the K resets. The reset is
   * claimed here, before streaming, so two concurrent responses cannot both take the last one.
   */
  claimReset(name: string, bodyLength: number): number | undefined {
    const rule = this.current.resetByName[name];
    const afterBytes = rule ? rule.afterBytes : this.current.resetAfterBytes;
    const times = rule ? (rule.times ?? 0) : this.current.resetTimes;
    if (afterBytes === null || afterBytes >= bodyLength) return undefined;
    const claimed = this.resetsClaimed.get(name) ?? 0;
    if (times > 0 && claimed >= times) return undefined;
    this.resetsClaimed.set(name, claimed + 1);
    return afterBytes;
  }
}
