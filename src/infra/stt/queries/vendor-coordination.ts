import type { Queryable } from '../../db/queryable';

/**
 * Cross-process coordination for a rate-limited vendor, kept in PostgreSQL so it holds across
 * every worker on every machine. Channel for slot releases: `vendor_slots`.
 */
export const SLOT_RELEASED_CHANNEL = 'vendor_slots';

export type GateDecision = { open: true } | { open: false; until: Date; reason: string | null };

/**
 * May this caller talk to the vendor now? Closed while blocked; after a block, exactly one
 * caller at a time gets to probe until a success reopens the gate for everyone.
 */
export async function passGate(db: Queryable, vendor: string, probeMs: number): Promise<GateDecision> {
  const { rows } = await db.query<{ blocked_until: Date; probe_until: Date; consecutive_429: number; last_reason: string | null; now: Date }>(
    `SELECT blocked_until, probe_until, consecutive_429, last_reason, now() AS now FROM vendor_gates WHERE vendor = $1`,
    [vendor],
  );
  const gate = rows[0];
  if (!gate || gate.consecutive_429 === 0) return { open: true };
  if (gate.blocked_until > gate.now) return { open: false, until: gate.blocked_until, reason: gate.last_reason };
  const claimed = await db.query(
    `UPDATE vendor_gates SET probe_until = now() + make_interval(secs => $2 / 1000.0), updated_at = now()
     WHERE vendor = $1 AND blocked_until <= now() AND consecutive_429 > 0 AND probe_until <= now()`,
    [vendor, probeMs],
  );
  if (claimed.rowCount === 1) return { open: true };
  return { open: false, until: new Date(Math.max(gate.probe_until.getTime(), gate.now.getTime() + 250)), reason: gate.last_reason };
}

/** A 429: push the block forward (never back) and lengthen the streak. Returns when the gate reopens. */
export async function closeGate(db: Queryable, vendor: string, delayMs: number, reason: string): Promise<Date> {
  const { rows } = await db.query<{ blocked_until: Date }>(
    `INSERT INTO vendor_gates (vendor, blocked_until, consecutive_429, last_reason)
     VALUES ($1, now() + make_interval(secs => $2 / 1000.0), 1, $3)
     ON CONFLICT (vendor) DO UPDATE SET
       blocked_until = GREATEST(vendor_gates.blocked_until, EXCLUDED.blocked_until),
       consecutive_429 = vendor_gates.consecutive_429 + 1,
       probe_until = '-infinity', last_reason = EXCLUDED.last_reason, updated_at = now()
     RETURNING blocked_until`,
    [vendor, delayMs, reason],
  );
  return rows[0].blocked_until;
}

export async function consecutive429s(db: Queryable, vendor: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT consecutive_429 AS n FROM vendor_gates WHERE vendor = $1`, [vendor]);
  return rows[0]?.n ?? 0;
}

/** A success: the vendor is healthy again; end the streak and any probe. */
export async function openGate(db: Queryable, vendor: string): Promise<void> {
  await db.query(
    `UPDATE vendor_gates SET consecutive_429 = 0, probe_until = '-infinity', updated_at = now()
     WHERE vendor = $1 AND consecutive_429 > 0 AND blocked_until <= now()`,
    [vendor],
  );
}

/**
 * Takes (or renews) a slot for `jobId` when fewer than `cap` unexpired leases exist. The
 * transaction-scoped advisory lock makes count-then-insert atomic across processes.
 */
export async function tryAcquireSlot(db: Queryable, vendor: string, jobId: string, cap: number, leaseMs: number): Promise<boolean> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('vendor_slots:' || $1))`, [vendor]);
  await db.query(`DELETE FROM vendor_slots WHERE vendor = $1 AND expires_at < now()`, [vendor]);
  const renewed = await db.query(
    `UPDATE vendor_slots SET expires_at = now() + make_interval(secs => $3 / 1000.0) WHERE vendor = $1 AND job_id = $2`,
    [vendor, jobId, leaseMs],
  );
  if (renewed.rowCount === 1) return true;
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM vendor_slots WHERE vendor = $1`, [vendor]);
  if (rows[0].n >= cap) return false;
  await db.query(`INSERT INTO vendor_slots (vendor, job_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3 / 1000.0))`, [vendor, jobId, leaseMs]);
  return true;
}

export async function renewSlot(db: Queryable, vendor: string, jobId: string, leaseMs: number): Promise<void> {
  await db.query(`UPDATE vendor_slots SET expires_at = now() + make_interval(secs => $3 / 1000.0) WHERE vendor = $1 AND job_id = $2`, [vendor, jobId, leaseMs]);
}

export async function releaseSlot(db: Queryable, vendor: string, jobId: string): Promise<void> {
  await db.query(`DELETE FROM vendor_slots WHERE vendor = $1 AND job_id = $2`, [vendor, jobId]);
  await db.query(`SELECT pg_notify($1, $2)`, [SLOT_RELEASED_CHANNEL, vendor]);
}
