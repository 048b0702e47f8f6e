import { CancellationScope, condition } from '@temporalio/workflow';

export interface FanOutOptions<Item, Cursor, Result> {
  /** Where this run starts: the caller carries it across continue-as-new. */
  from: Cursor;
  /**
   * The next items after `cursor`, at most `limit` of them; none once the work is done. An
   * activity (paging PostgreSQL) or a pure computation.
   */
  nextPage(cursor: Cursor, limit: number): Promise<Item[]>;
  /** The cursor once `item` has been handed to a child, so the next page (or run) starts after it. */
  cursorAfter(item: Item): Cursor;
  /**
   * Runs the child for one item. Failures that are part of the business (a failed site) should
   * come back as results; a rejection ends the fan-out: no further child starts.
   */
  runChild(item: Item): Promise<Result>;
  /** Called as each child finishes, in the order they finish: progress counts, live details. */
  onResult(result: Result, item: Item): void;
  maxInFlight: number;
  /** Items asked of one page, at most. */
  pageSize?: number;
  /** Children started in one run, at most; then `run` waits for them and says there is more. */
  perRun?: number;
}

export interface FanOutRun<Cursor> {
  /** Where the next run starts. */
  cursor: Cursor;
  /** True when `perRun` children were started: the caller continues as new from `cursor`. */
  more: boolean;
}

/**
 * Child workflows over a paged list of work, at most `maxInFlight` at once: the sliding window of
 * Temporal's batch samples, written once for every pipeline. A parent may have at most 2,000
 * pending children and its history grows with each one, so a long list is split into runs of
 * `perRun` children joined by continue-as-new; this run drains its own children before it
 * returns, so each run's results are complete when the caller carries them on.
 *
 * On cancellation (or any failure) every child already started settles inside a non-cancellable
 * scope before the error reaches the caller: cancelled children record their own state first,
 * and the caller's "job cancelled" row is the last word.
 *
 * Replay: the commands come out exactly as the hand-written loops this replaced did (a page, then
 * per item a wait for a free slot and one child start), so their recorded histories still replay.
 * Keep that order when changing this.
 */
export class FanOut<Item, Cursor, Result> {
  private running = 0;
  private position: Cursor;

  constructor(private readonly options: FanOutOptions<Item, Cursor, Result>) {
    this.position = options.from;
  }

  /** Children running now (for progress queries and details). */
  get inFlight(): number {
    return this.running;
  }

  /** The last item handed to a child, as a cursor. */
  get cursor(): Cursor {
    return this.position;
  }

  async run(): Promise<FanOutRun<Cursor>> {
    const { nextPage, cursorAfter, runChild, onResult, maxInFlight, pageSize = Infinity, perRun = Infinity } = this.options;
    const children: Promise<void>[] = [];
    let failed = false;
    let started = 0;
    try {
      while (started < perRun && !failed) {
        const page = await nextPage(this.position, Math.min(pageSize, perRun - started));
        if (page.length === 0) break;
        for (const item of page) {
          await condition(() => failed || this.running < maxInFlight);
          if (failed) break;
          this.running += 1;
          started += 1;
          this.position = cursorAfter(item);
          const child = runChild(item)
            .finally(() => (this.running -= 1))
            .then((result) => onResult(result, item))
            .catch((err: unknown) => {
              failed = true;
              throw err;
            });
          // Awaited below; handled now so a child failing meanwhile does not fail the workflow task.
          child.catch(() => undefined);
          children.push(child);
        }
      }
      await Promise.all(children);
      return { cursor: this.position, more: started >= perRun };
    } catch (err) {
      await CancellationScope.nonCancellable(() => Promise.allSettled(children));
      throw err;
    }
  }
}
