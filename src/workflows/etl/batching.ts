import type { Duration } from '@temporalio/common';
import { condition } from '@temporalio/workflow';

/**
 * Workflow-side plumbing of the video pipeline (deterministic: promises only, no timers). Every
 * activity call is a few writes on the Temporal server, so short steps go in batches and the long
 * one (the download) gets a bounded number of turns.
 */

/** At most `free` steps at once; the others wait in line and get a turn as one ends. */
export class TransferSlots {
  private readonly waiting: Array<() => void> = [];
  private free: number;

  constructor(private readonly limit: number) {
    this.free = limit;
  }

  /** Steps running now. */
  get running(): number {
    return this.limit - this.free;
  }

  async run<T>(step: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await step();
    } finally {
      // Handed straight to the next in line, so a freed turn is taken in the same workflow task.
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    }
  }
}

/**
 * Turns like TransferSlots, `limit` items at a time, but when turns come free the first item in
 * line goes out with those waiting behind it in its group, up to `maxBatch` to a step: one
 * activity for several short transfers. A step ends with its slowest item, so only items alike
 * share one (`groupOf`); an item without a group always goes out by itself.
 */
export class BatchedTurns<I, O> {
  private readonly waiting: Array<Pending<I, O> & { group: string | undefined }> = [];
  private free: number;
  private dispatchQueued = false;

  constructor(
    private readonly limit: number,
    private readonly maxBatch: number,
    private readonly groupOf: (input: I) => string | undefined,
    private readonly step: (inputs: I[]) => Promise<O[]>,
  ) {
    this.free = limit;
  }

  /** Items in steps now. */
  get running(): number {
    return this.limit - this.free;
  }

  call(input: I): Promise<O> {
    const output = new Promise<O>((resolve, reject) => this.waiting.push({ input, resolve, reject, group: this.groupOf(input) }));
    this.dispatchSoon();
    return output;
  }

  /** A microtask later, so lanes resuming in the same activation (and turns freed in it) make one batch. */
  private dispatchSoon(): void {
    if (this.dispatchQueued) return;
    this.dispatchQueued = true;
    void Promise.resolve().then(() => {
      this.dispatchQueued = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.free > 0 && this.waiting.length > 0) {
      const batch = this.nextBatch(Math.min(this.free, this.maxBatch));
      this.free -= batch.length;
      this.step(batch.map((p) => p.input))
        .then(
          (outputs) => batch.forEach((p, i) => p.resolve(outputs[i])),
          (err: unknown) => batch.forEach((p) => p.reject(err)),
        )
        .finally(() => {
          this.free += batch.length;
          this.dispatchSoon();
        });
    }
  }

  /** The first in line, and up to `size` in all of those behind it in its group, in their order. */
  private nextBatch(size: number): Array<Pending<I, O>> {
    const [first] = this.waiting.splice(0, 1);
    const batch = [first];
    if (first.group === undefined) return batch;
    for (let i = 0; i < this.waiting.length && batch.length < size; ) {
      if (this.waiting[i].group === first.group) batch.push(...this.waiting.splice(i, 1));
      else i++;
    }
    return batch;
  }
}

interface Pending<I, O> {
  input: I;
  resolve(output: O): void;
  reject(err: unknown): void;
}

export interface BatchOptions {
  maxBatch: number;
  /**
   * While this holds (given how many calls wait), a batch is held back for more, up to `maxHold`:
   * for steps nobody waits on urgently, fewer and fuller batches mean fewer server writes.
   */
  holdWhile?: (pending: number) => boolean;
  maxHold?: Duration;
}

/**
 * Group commit for one short activity: while a batch is in flight, callers queue; when it ends,
 * everything queued goes out as the next batch (at most `maxBatch`). Under load a batch carries
 * whatever arrived during one round trip; alone, a call goes out at once (unless held).
 */
export class Batcher<I, O> {
  private pending: Array<Pending<I, O>> = [];
  private draining: Promise<void> | undefined;

  constructor(
    private readonly step: (inputs: I[]) => Promise<O[]>,
    private readonly options: BatchOptions,
  ) {}

  call(input: I): Promise<O> {
    const output = new Promise<O>((resolve, reject) => this.pending.push({ input, resolve, reject }));
    // Started a microtask later, so lanes resuming in the same activation join the first batch.
    this.draining ??= Promise.resolve().then(() => this.drain());
    return output;
  }

  private async drain(): Promise<void> {
    const { maxBatch, holdWhile, maxHold } = this.options;
    while (this.pending.length > 0) {
      if (holdWhile?.(this.pending.length)) {
        // Cancellation ends the hold as well; the batch then fails at once, as every step would.
        await condition(() => !holdWhile(this.pending.length), maxHold ?? '5 seconds').catch(() => undefined);
      }
      const batch = this.pending.splice(0, maxBatch);
      try {
        const outputs = await this.step(batch.map((p) => p.input));
        batch.forEach((p, i) => p.resolve(outputs[i]));
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.draining = undefined;
  }
}
