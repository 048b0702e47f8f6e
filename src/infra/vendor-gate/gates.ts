import type { GateName, LimitClass } from '../../domain/shared/vendor-limits';
import type { Queryable } from '../db/queryable';

/**
 * The vendor's gates, shared through PostgreSQL by every worker on every machine: a `submit`
 * gate that a concurrency or quota 429 closes, and an `all` gate that a rate-limit (or unnamed)
 * 429 closes. A closed gate reopens by itself when its time passes.
 */

export type GateDecision = { open: true } | { open: false; gate: GateName; until: Date; reason: string | null };

interface GateRow {
  submit_blocked_until: Date;
  submit_reason: string | null;
  all_blocked_until: Date;
  all_reason: string | null;
  now: Date;
}

/** Open when none of `gates` is closed; else the latest time one of them reopens, and why it closed. */
export async function passGates(db: Queryable, vendor: string, gates: readonly GateName[]): Promise<GateDecision> {
  const { rows } = await db.query<GateRow>(
    `SELECT submit_blocked_until, submit_reason, all_blocked_until, all_reason, now() AS now FROM vendor_limits WHERE vendor = $1`,
    [vendor],
  );
  const row = rows[0];
  if (!row) return { open: true };
  let closed: { gate: GateName; until: Date; reason: string | null } | undefined;
  for (const gate of gates) {
    const until = gate === 'submit' ? row.submit_blocked_until : row.all_blocked_until;
    if (until > row.now && (!closed || until > closed.until)) closed = { gate, until, reason: gate === 'submit' ? row.submit_reason : row.all_reason };
  }
  return closed ? { open: false, ...closed } : { open: true };
}

/** 429s in a row so far, for pauses the vendor did not time itself. */
export async function consecutive429s(db: Queryable, vendor: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT consecutive_429 AS n FROM vendor_limits WHERE vendor = $1`, [vendor]);
  return rows[0]?.n ?? 0;
}

/**
 * A 429: closes `gate` for `delayMs` (pushing a later reopening back never forward), counts it
 * under its class and remembers it as the last one. Returns when the gate reopens.
 */
export async function closeGate(
  db: Queryable,
  vendor: string,
  limit: { gate: GateName; class: LimitClass; code: string; reason: string; delayMs: number },
): Promise<Date> {
  const column = limit.gate === 'submit' ? 'submit' : 'all';
  const { rows } = await db.query<{ until: Date }>(
    `INSERT INTO vendor_limits (vendor, ${column}_blocked_until, ${column}_reason, consecutive_429, last_429_at, last_429_code, last_429_class, responses_429)
     VALUES ($1, now() + make_interval(secs => $2 / 1000.0), $3, 1, now(), $4, $5, jsonb_build_object($5::text, 1))
     ON CONFLICT (vendor) DO UPDATE SET
       ${column}_blocked_until = GREATEST(vendor_limits.${column}_blocked_until, EXCLUDED.${column}_blocked_until),
       ${column}_reason = EXCLUDED.${column}_reason,
       consecutive_429 = vendor_limits.consecutive_429 + 1,
       last_429_at = now(), last_429_code = $4, last_429_class = $5,
       responses_429 = vendor_limits.responses_429 || jsonb_build_object($5::text, COALESCE((vendor_limits.responses_429 ->> $5)::bigint, 0) + 1),
       updated_at = now()
     RETURNING ${column}_blocked_until AS until`,
    [vendor, limit.delayMs, limit.reason, limit.code, limit.class],
  );
  return rows[0].until;
}

/** A success: the streak of 429s is over. */
export async function endStreak(db: Queryable, vendor: string): Promise<void> {
  await db.query(`UPDATE vendor_limits SET consecutive_429 = 0, updated_at = now() WHERE vendor = $1 AND consecutive_429 > 0`, [vendor]);
}

export interface VendorLimitsRow {
  learnedCap: number | null;
  inFlight: number;
  gates: Record<GateName, { until: Date; reason: string | null; open: boolean }>;
  last429: { at: Date; code: string; class: LimitClass } | null;
  responses429: Partial<Record<LimitClass, number>>;
  /** Submits sent whose answer never came back, across every job (STT only). */
  submitsInDoubt: number;
}

/** Everything the API and /metrics show about one vendor account, read in one statement. */
export async function readVendorLimits(db: Queryable, vendor: string): Promise<VendorLimitsRow> {
  const { rows } = await db.query<
    GateRow & {
      learned_cap: number | null;
      in_flight: number;
      last_429_at: Date | null;
      last_429_code: string | null;
      last_429_class: LimitClass | null;
      responses_429: Record<string, number> | null;
      submits_in_doubt: string | null;
    }
  >(
    `SELECT l.learned_cap, l.submit_blocked_until, l.submit_reason, l.all_blocked_until, l.all_reason,
            l.last_429_at, l.last_429_code, l.last_429_class, l.responses_429, l.submits_in_doubt, now() AS now,
            (SELECT count(*)::int FROM vendor_slots s WHERE s.vendor = $1 AND s.expires_at >= now()) AS in_flight
     FROM (SELECT $1::text AS vendor) v LEFT JOIN vendor_limits l USING (vendor)`,
    [vendor],
  );
  const row = rows[0];
  const gate = (until: Date | null, reason: string | null) => ({ until: until ?? new Date(0), reason: until && until > row.now ? reason : null, open: !until || until <= row.now });
  return {
    learnedCap: row.learned_cap,
    inFlight: row.in_flight,
    gates: { submit: gate(row.submit_blocked_until, row.submit_reason), all: gate(row.all_blocked_until, row.all_reason) },
    last429: row.last_429_at && row.last_429_code && row.last_429_class ? { at: row.last_429_at, code: row.last_429_code, class: row.last_429_class } : null,
    responses429: Object.fromEntries(Object.entries(row.responses_429 ?? {}).map(([k, v]) => [k, Number(v)])),
    submitsInDoubt: Number(row.submits_in_doubt ?? 0),
  };
}
