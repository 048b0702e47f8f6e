import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { api, postItems, waitForBatch, type TestItem } from '../../support/moderation';
import { startTestStack, testConfig, waitUntil } from '../../support/stack';
import { spawnWorker } from '../../support/worker-process';

const ITEMS = 10_000;

function items(): TestItem[] {
  const texts = ['설명이 친절해요. 예제가 좋아요', 'Act now! crypto signals, telegram @win123', '강사 ㅅㅣ발 돈 아깝다', "03:12 '파이선' → '파이썬'로 수정 부탁드립니다."];
  return Array.from({ length: ITEMS }, (_, i) => ({ id: `k${i}`, kind: 'review', text: `${texts[i % texts.length]} #${i}` }));
}

describe('moderation through a worker crash', () => {
  test('a worker killed mid-batch: the next worker finishes it and every item is classified exactly once', { timeout: 660_000 }, async () => {
    // Small pages, one at a time: the batch takes long enough to be killed in the middle.
    const config = testConfig({ MODERATION_ITEMS_PER_ACTIVITY: '100', MODERATION_ACTIVITIES_IN_FLIGHT: '1', MODERATION_HEARTBEAT_TIMEOUT_S: '5' });
    const stack = await startTestStack({ config, queues: false });
    const first = spawnWorker(stack.config, ['--queue', 'moderation'], { LOG_LEVEL: 'info' });
    try {
      await waitUntil('the first worker to poll', async () => first.output().includes('workers polling'), 120_000);
      const { body } = await postItems(stack, items(), 'worker-killed');
      assert.equal(body.counts.total, ITEMS);
      const classified = async () => (await stack.pool.query(`SELECT count(*)::int AS n FROM moderation_items WHERE batch_id = $1 AND verdict IS NOT NULL`, [body.id])).rows[0].n;
      await waitUntil('some items classified', async () => (await classified()) >= 500, 120_000);
      first.child.kill('SIGKILL');
      await first.exited();
      const before = await stack.pool.query(`SELECT position, classified_at FROM moderation_items WHERE batch_id = $1 AND verdict IS NOT NULL`, [body.id]);
      assert.ok(before.rows.length < ITEMS, `killed mid-batch (${before.rows.length} of ${ITEMS} classified)`);

      const second = spawnWorker(stack.config, ['--queue', 'moderation']);
      try {
        // Generous: on a busy machine a page's round trip, and an unheartbeated bookkeeping call lost with
        // the killed worker (2-minute timeout), can take most of it.
        const done = await waitForBatch(stack, body.id, 'COMPLETED', 480_000);
        assert.deepEqual(done.counts.pending, 0);
        assert.equal(done.counts.allow + done.counts.review + done.counts.block, ITEMS);
      } finally {
        second.child.kill('SIGTERM');
        await second.exited();
      }
      const { rows } = await stack.pool.query(
        `SELECT count(*)::int AS items, count(DISTINCT item_id)::int AS distinct_items, count(verdict)::int AS verdicts, count(DISTINCT model_version)::int AS models
         FROM moderation_items WHERE batch_id = $1`,
        [body.id],
      );
      assert.deepEqual(rows[0], { items: ITEMS, distinct_items: ITEMS, verdicts: ITEMS, models: 1 });
      // What the killed worker stored was not classified again.
      const after = await stack.pool.query(`SELECT position, classified_at FROM moderation_items WHERE batch_id = $1 AND position = ANY($2::int[])`, [
        body.id,
        before.rows.map((r) => r.position),
      ]);
      const stamp = new Map(before.rows.map((r) => [r.position, r.classified_at.getTime()]));
      assert.ok(after.rows.every((r) => r.classified_at.getTime() === stamp.get(r.position)));
      const view = await api(stack, 'GET', `/api/moderation/batches/${body.id}`);
      assert.equal(view.body.status, 'COMPLETED');
    } finally {
      if (first.child.exitCode === null) first.child.kill('SIGKILL');
      await stack.stop();
    }
  });
});
