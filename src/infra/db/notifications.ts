import { Client } from 'pg';

/**
 * Wakes waiters when PostgreSQL NOTIFYs a channel, over one dedicated connection per process.
 * Waiters always pass a timeout, so a lost connection only turns waking into polling.
 */
export interface NotificationListener {
  wait(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface NotificationListenerOptions {
  /** Only notifications carrying this payload wake anyone: one vendor's slot releases on a channel that vendors share. */
  payload?: string;
  /**
   * `all` (the default): a notification wakes every waiter, for news each of them needs.
   * `longest-waiting`: it wakes one waiter, the one that has waited longest, for a notification
   * that stands for one thing a single waiter can take (a freed slot). Waking them all would have
   * each re-check in PostgreSQL, and all but one find nothing: with hundreds of jobs queued, every
   * release would cost hundreds of transactions and delay the one that matters behind them.
   */
  wakes?: 'all' | 'longest-waiting';
}

export function createNotificationListener(databaseUrl: string, channel: string, options: NotificationListenerOptions = {}): NotificationListener {
  // A Set keeps insertion order: its first entry has waited longest.
  const waiters = new Set<() => void>();
  let client: Client | undefined;
  let connecting: Promise<void> | undefined;
  let closed = false;

  const wakeAll = () => {
    for (const wake of [...waiters]) wake();
  };
  const onNotification = (message: { payload?: string }) => {
    if (options.payload !== undefined && message.payload !== options.payload) return;
    if (options.wakes === 'longest-waiting') waiters.values().next().value?.();
    else wakeAll();
  };
  const connect = () => {
    if (client || connecting || closed) return;
    const c = new Client({ connectionString: databaseUrl, application_name: `dp-listen-${channel}` });
    c.on('notification', onNotification);
    c.on('error', () => {
      client = undefined;
    });
    connecting = c
      .connect()
      .then(() => c.query(`LISTEN ${channel}`))
      .then(() => {
        client = c;
      })
      .catch(() => c.end().catch(() => undefined))
      .finally(() => (connecting = undefined));
  };

  return {
    wait(timeoutMs) {
      connect();
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        waiters.add(done);
      });
    },
    async close() {
      closed = true;
      wakeAll();
      await connecting;
      await client?.end().catch(() => undefined);
    },
  };
}
