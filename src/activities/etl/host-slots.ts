/**
 * Downloads at once per host in this worker (ETL_CONNECTIONS_PER_HOST). Workflows keep more
 * transfers in flight than that, so that the next download is already here when one ends instead
 * of a Temporal round trip away; the extra ones wait in this queue. Waiting here rather than in
 * the HTTP client's queue lets a transfer keep heartbeating (a long queue is not a stalled
 * download) and hear of its cancellation before it has sent a byte.
 */
export class HostSlots {
  private readonly hosts = new Map<string, { busy: number; queue: Waiter[] }>();

  constructor(
    private readonly perHost: number,
    private readonly tickMs = 1_000,
  ) {}

  /**
   * Resolves with the function that gives the slot back, once `host` has one free. While waiting,
   * `onTick` runs every `tickMs`; an aborted `signal` takes the waiter out of the queue and
   * rejects with the signal's reason.
   */
  async acquire(host: string, signal: AbortSignal, onTick: () => void | Promise<void>): Promise<() => void> {
    signal.throwIfAborted();
    const entry = this.hosts.get(host) ?? { busy: 0, queue: [] };
    this.hosts.set(host, entry);
    if (entry.busy < this.perHost) {
      entry.busy += 1;
      return once(() => this.release(host));
    }
    const waiter: Waiter = { granted: false, grant: () => undefined };
    const turn = new Promise<void>((resolve) => (waiter.grant = resolve));
    entry.queue.push(waiter);
    const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
    aborted.catch(() => undefined);
    try {
      while (!waiter.granted) {
        let timer: NodeJS.Timeout | undefined;
        const tick = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.tickMs)));
        await Promise.race([turn, tick, aborted]).finally(() => clearTimeout(timer));
        if (!waiter.granted) await onTick();
      }
      return once(() => this.release(host));
    } catch (err) {
      // Handed the slot at the moment it gave up: pass it on rather than lose it.
      if (waiter.granted) this.release(host);
      else entry.queue.splice(entry.queue.indexOf(waiter), 1);
      throw err;
    }
  }

  /** Downloads running and waiting for `host`, for tests and metrics. */
  usage(host: string): { busy: number; waiting: number } {
    const entry = this.hosts.get(host);
    return { busy: entry?.busy ?? 0, waiting: entry?.queue.length ?? 0 };
  }

  private release(host: string): void {
    const entry = this.hosts.get(host);
    if (!entry) return;
    const next = entry.queue.shift();
    if (next) {
      // The slot goes straight to the next in line: `busy` stays, so nobody can overtake it.
      next.granted = true;
      next.grant();
      return;
    }
    entry.busy -= 1;
    if (entry.busy === 0) this.hosts.delete(host);
  }
}

interface Waiter {
  granted: boolean;
  grant(): void;
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
