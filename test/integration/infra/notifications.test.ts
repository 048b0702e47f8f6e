import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client } from 'pg';
import { createNotificationListener, type NotificationListener } from '../../../src/infra/db/notifications';
import { waitUntil } from '../../support/stack';
import { createScratchDatabase } from '../../support/scratch-database';

// The listener on a real PostgreSQL: which waiters a NOTIFY wakes, by payload and by mode.
let db: Awaited<ReturnType<typeof createScratchDatabase>>;
let notifier: Client;

before(async () => {
  db = await createScratchDatabase();
  notifier = new Client({ connectionString: db.url });
  await notifier.connect();
});
after(async () => {
  await notifier.end();
  await db.drop();
});

let channels = 0;
const QUIET_MS = 300;

/** A listener on a channel of its own, once its LISTEN is in place (a NOTIFY before it would be lost). */
async function listening(options: Parameters<typeof createNotificationListener>[2]): Promise<{ listener: NotificationListener; notify: (payload: string) => Promise<void> }> {
  const channel = `wake_test_${process.pid}_${++channels}`;
  const listener = createNotificationListener(db.url, channel, options);
  void listener.wait(1);
  await waitUntil(
    'the LISTEN',
    async () => {
      const { rows } = await notifier.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND query = $2 AND state = 'idle'`, [`dp-listen-${channel}`, `LISTEN ${channel}`]);
      return rows.length === 1 || undefined;
    },
    10_000,
  );
  return { listener, notify: async (payload) => void (await notifier.query(`SELECT pg_notify($1, $2)`, [channel, payload])) };
}

/** Starts `n` waiters one after another; `woken` lists them in the order they woke. */
function waiters(listener: NotificationListener, n: number): { woken: number[]; all: Promise<void[]> } {
  const woken: number[] = [];
  const all = Promise.all(Array.from({ length: n }, (_, i) => listener.wait(30_000).then(() => void woken.push(i))));
  return { woken, all };
}

const settle = () => new Promise((r) => setTimeout(r, QUIET_MS));

test('longest-waiting: each NOTIFY with the payload wakes one waiter, the one that has waited longest; other payloads wake none', async () => {
  const { listener, notify } = await listening({ payload: 'rtzr', wakes: 'longest-waiting' });
  try {
    const { woken, all } = waiters(listener, 3);
    await notify('llm');
    await settle();
    assert.deepEqual(woken, [], 'another vendor’s release wakes nobody');
    await notify('rtzr');
    await waitUntil('one waiter to wake', async () => woken.length > 0 || undefined, 5_000);
    await settle();
    assert.deepEqual(woken, [0]);
    await notify('rtzr');
    await notify('rtzr');
    await waitUntil('two more to wake', async () => woken.length === 3 || undefined, 5_000);
    assert.deepEqual(woken, [0, 1, 2]);
    await all;
  } finally {
    await listener.close();
  }
});

test('all (the default): one NOTIFY wakes every waiter', async () => {
  const { listener, notify } = await listening(undefined);
  try {
    const { woken, all } = waiters(listener, 3);
    await notify('anything');
    await waitUntil('every waiter to wake', async () => woken.length === 3 || undefined, 5_000);
    await all;
  } finally {
    await listener.close();
  }
});
