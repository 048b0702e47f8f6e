import { afterAcceptedSubmit, afterCompletion, afterConcurrencyRefusal, effectiveCap, INITIAL_CAP, maySubmitAnother, type AdaptiveCap } from '../../domain/shared/vendor-limits';
import type { Queryable } from '../db/queryable';

/**
 * The account's concurrent-job slots and the adaptive cap on them, kept in PostgreSQL so they hold
 * across every worker on every machine. Every change takes the vendor's transaction-scoped
 * advisory lock first, so count-then-decide is atomic across processes: call these inside a
 * transaction. Waiters for a slot listen on `SLOT_RELEASED_CHANNEL`.
 */
export const SLOT_RELEASED_CHANNEL = 'vendor_slots';

async function lock(tx: Queryable, vendor: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('vendor_slots:' || $1))`, [vendor]);
}

async function loadCap(tx: Queryable, vendor: string): Promise<AdaptiveCap> {
  const { rows } = await tx.query<{ learned_cap: number | null; proven_in_flight: number; completed_since_change: number; refused_since_accept: boolean; halved_since_accept: boolean }>(
    `SELECT learned_cap, proven_in_flight, completed_since_change, refused_since_accept, halved_since_accept FROM vendor_limits WHERE vendor = $1`,
    [vendor],
  );
  const row = rows[0];
  if (!row) return INITIAL_CAP;
  return {
    learned: row.learned_cap,
    provenInFlight: row.proven_in_flight,
    completedSinceChange: row.completed_since_change,
    refusedSinceAccept: row.refused_since_accept,
    halvedSinceAccept: row.halved_since_accept,
  };
}

async function saveCap(tx: Queryable, vendor: string, cap: AdaptiveCap): Promise<void> {
  await tx.query(
    `INSERT INTO vendor_limits (vendor, learned_cap, proven_in_flight, completed_since_change, refused_since_accept, halved_since_accept)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (vendor) DO UPDATE SET learned_cap = $2, proven_in_flight = $3, completed_since_change = $4, refused_since_accept = $5,
                                        halved_since_accept = $6, updated_at = now()`,
    [vendor, cap.learned, cap.provenInFlight, cap.completedSinceChange, cap.refusedSinceAccept, cap.halvedSinceAccept],
  );
}

/** Slots held, and how many of them hold a job the vendor accepted. */
async function countSlots(tx: Queryable, vendor: string): Promise<{ slots: number; accepted: number }> {
  const { rows } = await tx.query<{ slots: number; accepted: number }>(
    `SELECT count(*)::int AS slots, count(submitted_at)::int AS accepted FROM vendor_slots WHERE vendor = $1`,
    [vendor],
  );
  return rows[0];
}

async function notifyWaiters(tx: Queryable, vendor: string): Promise<void> {
  await tx.query(`SELECT pg_notify($1, $2)`, [SLOT_RELEASED_CHANNEL, vendor]);
}

/**
 * Takes (or renews) a slot for `jobId` when the adaptive cap allows one more job
 * (domain/shared/vendor-limits.ts: `maySubmitAnother`). Expired leases (their workflow is gone) go
 * first. A job not yet submitted whose slot the cap no longer covers (it fell since the slot was
 * taken) gives the slot back and queues again, rather than provoking another A0002.
 */
export async function tryAcquireSlot(tx: Queryable, vendor: string, jobId: string, configuredCap: number, leaseMs: number): Promise<boolean> {
  if (await plainlyFull(tx, vendor, jobId, configuredCap)) return false;
  await lock(tx, vendor);
  await tx.query(`DELETE FROM vendor_slots WHERE vendor = $1 AND expires_at < now()`, [vendor]);
  const cap = await loadCap(tx, vendor);
  const allowed = effectiveCap(cap, configuredCap);
  const { slots, accepted } = await countSlots(tx, vendor);
  const own = await tx.query<{ submitted: boolean }>(`SELECT submitted_at IS NOT NULL AS submitted FROM vendor_slots WHERE vendor = $1 AND job_id = $2`, [vendor, jobId]);
  if (own.rows[0]) {
    if (!own.rows[0].submitted && accepted >= allowed) {
      await tx.query(`DELETE FROM vendor_slots WHERE vendor = $1 AND job_id = $2`, [vendor, jobId]);
      return false;
    }
    await tx.query(`UPDATE vendor_slots SET expires_at = now() + make_interval(secs => $3 / 1000.0) WHERE vendor = $1 AND job_id = $2`, [vendor, jobId, leaseMs]);
    return true;
  }
  if (!maySubmitAnother(slots, allowed, cap.provenInFlight)) return false;
  await tx.query(`INSERT INTO vendor_slots (vendor, job_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3 / 1000.0))`, [vendor, jobId, leaseMs]);
  return true;
}

/**
 * Most calls come from jobs queued behind a full cap, and a release wakes all of them at once: a
 * look without the lock answers those, so they do not queue on the lock that releases, accepted
 * submits and completions need. A release is committed before its NOTIFY, so a woken waiter sees it.
 */
async function plainlyFull(tx: Queryable, vendor: string, jobId: string, configuredCap: number): Promise<boolean> {
  const { rows } = await tx.query<{ live: number; own: boolean | null }>(
    `SELECT count(*) FILTER (WHERE expires_at > now())::int AS live, bool_or(job_id = $2) AS own FROM vendor_slots WHERE vendor = $1`,
    [vendor, jobId],
  );
  if (rows[0].own) return false;
  const cap = await loadCap(tx, vendor);
  return !maySubmitAnother(rows[0].live, effectiveCap(cap, configuredCap), cap.provenInFlight);
}

/** The vendor accepted the job: its slot now holds a running vendor job, and that much concurrency is proven. */
export async function markSubmitted(tx: Queryable, vendor: string, jobId: string): Promise<void> {
  await lock(tx, vendor);
  // Once per slot: a retried submit that finds its job's id recorded marks the slot only if the attempt before it could not.
  const marked = await tx.query(`UPDATE vendor_slots SET submitted_at = now() WHERE vendor = $1 AND job_id = $2 AND submitted_at IS NULL`, [vendor, jobId]);
  if (marked.rowCount === 0) return;
  const { accepted } = await countSlots(tx, vendor);
  await saveCap(tx, vendor, afterAcceptedSubmit(await loadCap(tx, vendor), accepted));
  // A probe that succeeded lets the next job try the next level.
  await notifyWaiters(tx, vendor);
}

/**
 * A0002: the account runs no more jobs than it had accepted. Lowers the cap (and returns it) and
 * gives the refused job's slot back, so it queues again behind the cap like any other job.
 */
export async function recordConcurrencyRefusal(tx: Queryable, vendor: string, jobId: string, configuredCap: number): Promise<number> {
  await lock(tx, vendor);
  // requested_at as text: a JavaScript Date would drop its microseconds, and the count below compares with it.
  const refused = await tx.query<{ jobs_accepted_at_request: number | null; requested_at: string | null; sent_before_previous_refusal: boolean }>(
    `DELETE FROM vendor_slots s WHERE vendor = $1 AND job_id = $2 AND submitted_at IS NULL
     RETURNING jobs_accepted_at_request, requested_at::text,
               coalesce(s.requested_at <= (SELECT last_refusal_at FROM vendor_limits WHERE vendor = $1), false) AS sent_before_previous_refusal`,
    [vendor, jobId],
  );
  const requestedAt = refused.rows[0]?.requested_at ?? null;
  // A submit still on its way may be running at the vendor already (its answer not yet recorded):
  // counting only the recorded ones would step the cap below the account's limit.
  const { rows } = await tx.query<{ running: number; accepted_while_on_its_way: number }>(
    `SELECT count(*) FILTER (WHERE submitted_at IS NOT NULL OR requested_at IS NOT NULL)::int AS running,
            count(*) FILTER (WHERE requested_at <= $2::timestamptz AND submitted_at > $2::timestamptz)::int AS accepted_while_on_its_way
       FROM vendor_slots WHERE vendor = $1`,
    [vendor, requestedAt],
  );
  // The vendor refused at some instant between the request and now. The jobs it had accepted by the
  // request may have finished (and left the table) since; a submit already on its way then, and
  // accepted since, reached the vendor first and counted too. Both together, or the count now,
  // whichever is larger.
  const atRequest = (refused.rows[0]?.jobs_accepted_at_request ?? 0) + rows[0].accepted_while_on_its_way;
  const running = Math.max(atRequest, rows[0].running);
  const sentBeforePreviousRefusal = refused.rows[0]?.sent_before_previous_refusal ?? false;
  const cap = afterConcurrencyRefusal(await loadCap(tx, vendor), configuredCap, { acceptedInFlight: running, sentBeforePreviousRefusal });
  await saveCap(tx, vendor, cap);
  // A submit marked requested after this instant counts as sent after this refusal. markRequested
  // takes no lock, so one marked while this transaction commits counts so too: at worst it halves
  // the cap once, and afterConcurrencyRefusal halves once per fall.
  await tx.query(`UPDATE vendor_limits SET last_refusal_at = clock_timestamp() WHERE vendor = $1`, [vendor]);
  await notifyWaiters(tx, vendor);
  return effectiveCap(cap, configuredCap);
}

/** A vendor job completed: every `increaseEvery` of them without an A0002 raise the cap by one. */
export async function recordCompletion(tx: Queryable, vendor: string, configuredCap: number, increaseEvery: number): Promise<void> {
  await lock(tx, vendor);
  const before = await loadCap(tx, vendor);
  const after = afterCompletion(before, configuredCap, increaseEvery);
  if (after !== before) await saveCap(tx, vendor, after);
}

/**
 * The job's submit is about to go to the vendor; a refusal meanwhile counts it as possibly running
 * there. The jobs accepted by now are kept with it: only accepted ones, since submits on their way
 * together may all be refused, and counting each other would keep the cap above the limit.
 */
export async function markRequested(db: Queryable, vendor: string, jobId: string): Promise<void> {
  await db.query(
    `UPDATE vendor_slots SET requested_at = now(),
            jobs_accepted_at_request = (SELECT count(*) FROM vendor_slots WHERE vendor = $1 AND submitted_at IS NOT NULL)
      WHERE vendor = $1 AND job_id = $2`,
    [vendor, jobId],
  );
}

export async function renewSlot(db: Queryable, vendor: string, jobId: string, leaseMs: number): Promise<void> {
  await db.query(`UPDATE vendor_slots SET expires_at = now() + make_interval(secs => $3 / 1000.0) WHERE vendor = $1 AND job_id = $2`, [vendor, jobId, leaseMs]);
}

export async function releaseSlot(db: Queryable, vendor: string, jobId: string): Promise<void> {
  await db.query(`DELETE FROM vendor_slots WHERE vendor = $1 AND job_id = $2`, [vendor, jobId]);
  await notifyWaiters(db, vendor);
}
