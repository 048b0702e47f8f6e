import { Client } from 'pg';

/**
 * Wakes waiters when PostgreSQL NOTIFYs a channel, over one dedicated connection per process.
 * Waiters always pass a timeout, so a lost connection only turns waking into polling.
 */
export interface NotificationListener {
  wait(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export function createNotificationListener(databaseUrl: string, channel: string): NotificationListener {
  const waiters = new Set<() => void>();
  let client: Client | undefined;
  let connecting: Promise<void> | undefined;
  let closed = false;

  const wakeAll = () => {
    for (const wake of [...waiters]) wake();
  };
  const connect = () => {
    if (client || connecting || closed) return;
    const c = new Client({ connectionString: databaseUrl, application_name: `dp-listen-${channel}` });
    c.on('notification', wakeAll);
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
