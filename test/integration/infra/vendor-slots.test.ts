import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import type { Pool } from 'pg';
import { loadConfig } from '../../../src/config';
import { migrate } from '../../../src/infra/db/migrate';
import { createPool, withTransaction } from '../../../src/infra/db/pool';
import { markRequested, markSubmitted, recordConcurrencyRefusal, releaseSlot, tryAcquireSlot } from '../../../src/infra/vendor-gate/slots';
import { createScratchDatabase } from '../../support/scratch-database';

// The slot table as several workers share it, on a real PostgreSQL: what an A0002 teaches the cap
// depends on which jobs the vendor may be running when it refuses one.
const VENDOR = 'slot-test';
const CONFIGURED_CAP = 6;
const LEASE_MS = 60_000;

let db: Awaited<ReturnType<typeof createScratchDatabase>>;
let pool: Pool;

before(async () => {
  db = await createScratchDatabase();
  pool = createPool(loadConfig({ ...process.env, DATABASE_URL: db.url, PG_POOL_MAX: '4' }), 'dp-test-vendor-slots');
  await migrate(pool);
});
after(async () => {
  await pool.end();
  await db.drop();
});
beforeEach(async () => {
  await pool.query(`DELETE FROM vendor_slots WHERE vendor = $1`, [VENDOR]);
  await pool.query(`DELETE FROM vendor_limits WHERE vendor = $1`, [VENDOR]);
});

const take = (jobId: string, cap = CONFIGURED_CAP) => withTransaction(pool, (tx) => tryAcquireSlot(tx, VENDOR, jobId, cap, LEASE_MS));
const accepted = (jobId: string) => withTransaction(pool, (tx) => markSubmitted(tx, VENDOR, jobId));
const refused = (jobId: string, cap = CONFIGURED_CAP) => withTransaction(pool, (tx) => recordConcurrencyRefusal(tx, VENDOR, jobId, cap));

/** Three jobs take slots and the vendor accepts each: three run, and that many are proven. */
async function threeRunning(): Promise<void> {
  for (const job of ['a', 'b', 'c']) {
    assert.equal(await take(job), true, `${job} takes a slot`);
    await accepted(job);
  }
}

/** Three jobs ran at once and one of them finished: 3 are proven, two run, and two more take slots. */
async function twoRunningAfterThreeProven(): Promise<void> {
  await threeRunning();
  await releaseSlot(pool, VENDOR, 'c');
  for (const job of ['e', 'f']) assert.equal(await take(job), true, `${job} takes a slot`);
}

/** Three jobs run, proven, and a fourth is on its way to the vendor (a probe past the proven three). */
async function threeRunningAndOneOnItsWay(): Promise<void> {
  await threeRunning();
  assert.equal(await take('d'), true);
  await markRequested(pool, VENDOR, 'd');
}

test('an A0002 counts a submit still on its way as running: the cap steps down to 3, not 2', async () => {
  await twoRunningAfterThreeProven();
  // e's upload reached the vendor, which accepted it; its answer is not recorded yet when f is refused.
  await markRequested(pool, VENDOR, 'e');
  await markRequested(pool, VENDOR, 'f');
  assert.equal(await refused('f'), 3);
  const { rows } = await pool.query(`SELECT job_id FROM vendor_slots WHERE vendor = $1 ORDER BY job_id`, [VENDOR]);
  assert.deepEqual(rows.map((r) => r.job_id), ['a', 'b', 'e'], 'the refused job gave its slot back; the others keep theirs');
});

test('a job that finishes between a refused submit\'s request and the record of the refusal still counts: the cap steps down to 3, not 2', async () => {
  await threeRunningAndOneOnItsWay();
  // The vendor refused d while it still counted c; c's result was fetched and its slot given back before the refusal was recorded.
  await releaseSlot(pool, VENDOR, 'c');
  assert.equal(await refused('d'), 3);
});

test('a submit on its way before a refused one and accepted after it, while a job finished, counts: the cap steps down to 3, not 2', async () => {
  await twoRunningAfterThreeProven();
  // a and b run; e goes out, then f. The vendor accepts e and refuses f (a, b and e run); then a's
  // result is fetched and its slot given back, before f's refusal is recorded.
  await markRequested(pool, VENDOR, 'e');
  await markRequested(pool, VENDOR, 'f');
  await accepted('e');
  await releaseSlot(pool, VENDOR, 'a');
  assert.equal(await refused('f'), 3);
});

test('a slot taken but not yet on its way (waiting at a closed gate) is not counted as running', async () => {
  await twoRunningAfterThreeProven();
  await markRequested(pool, VENDOR, 'f');
  assert.equal(await refused('f'), 2);
});

test('a slot marked submitted again (a retried submit that finds its id recorded) is not a newly accepted submit', async () => {
  await threeRunningAndOneOnItsWay();
  assert.equal(await refused('d'), 3, 'the first A0002 steps the cap down to the three running');
  await accepted('a');
  const { rows } = await pool.query(`SELECT refused_since_accept FROM vendor_limits WHERE vendor = $1`, [VENDOR]);
  assert.equal(rows[0].refused_since_accept, true, 'no submit was accepted since the refusal');
  await releaseSlot(pool, VENDOR, 'c');
  assert.equal(await take('e'), true);
  await markRequested(pool, VENDOR, 'e');
  // A second refusal before any accepted submit, below the cap: the limit itself fell, so the cap halves.
  assert.equal(await refused('e'), 1);
});

test('a limit that falls from 10 to 4 halves the cap once: a later refusal counting 3 steps it to 3, not 2', async () => {
  const cap = 10;
  const running = Array.from({ length: cap }, (_, i) => `j${i}`);
  for (const job of running) {
    assert.equal(await take(job, cap), true);
    await accepted(job);
  }
  /** The `finished` jobs finish, then `job` takes a slot and is refused: answers the cap the refusal leaves. */
  const finishThenRefuse = async (finished: string[], job: string) => {
    for (const done of finished) await releaseSlot(pool, VENDOR, done);
    assert.equal(await take(job, cap), true, `${job} takes a slot`);
    await markRequested(pool, VENDOR, job);
    return refused(job, cap);
  };
  assert.equal(await finishThenRefuse(['j0'], 'k1'), 9, 'the first A0002 counts 9 running');
  assert.equal(await finishThenRefuse(['j1'], 'k2'), 4, 'the second, below the cap with no accept between, halves it');
  assert.equal(await finishThenRefuse(['j2', 'j3', 'j4', 'j5', 'j6'], 'k3'), 3, 'the third counts 3 and steps down to them');
  const halved = async () => (await pool.query(`SELECT halved_since_accept FROM vendor_limits WHERE vendor = $1`, [VENDOR])).rows[0].halved_since_accept;
  assert.equal(await halved(), true);
  await releaseSlot(pool, VENDOR, 'j7');
  assert.equal(await take('k4', cap), true);
  await accepted('k4');
  assert.equal(await halved(), false, 'an accepted submit ends the fall');
});

test('submits on their way together, all refused: each steps the cap down to its count (6, 5, 4) and none halves it', async () => {
  const cap = 10;
  for (const job of ['j0', 'j1', 'j2', 'j3', 'j4', 'j5']) {
    assert.equal(await take(job, cap), true);
    await accepted(job);
  }
  for (const done of ['j0', 'j1']) await releaseSlot(pool, VENDOR, done);
  for (const job of ['k1', 'k2', 'k3']) {
    assert.equal(await take(job, cap), true, `${job} takes a slot (6 are proven)`);
    await markRequested(pool, VENDOR, job);
  }
  // Four jobs run; the three submits went out together and the vendor refuses each of them.
  assert.equal(await refused('k1', cap), 6, 'k1 counts the four running and its two companions');
  assert.equal(await refused('k2', cap), 5, 'k2 was on its way before k1 was refused: no halving, just its count');
  assert.equal(await refused('k3', cap), 4);
  const { rows } = await pool.query(`SELECT halved_since_accept, last_refusal_at IS NOT NULL AS refused FROM vendor_limits WHERE vendor = $1`, [VENDOR]);
  assert.deepEqual(rows[0], { halved_since_accept: false, refused: true });
});
