import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { NotificationListener } from '../../infra/db/notifications';
import { withTransaction } from '../../infra/db/pool';
import { passGates } from '../../infra/vendor-gate/gates';
import { markRequested, tryAcquireSlot } from '../../infra/vendor-gate/slots';
import { WAITING_FOR_SLOT, type GateName } from '../../domain/shared/vendor-limits';

/**
 * The wait in front of a rate-limited vendor (infra/vendor-gate), as every pipeline that calls one
 * does it inside its activity: take one of the cap's slots, then pass the gates a 429 closed. A
 * pause that ends soon is waited out here; a longer one goes back to the workflow, which shows it
 * (`rate_limited` with its time) and sleeps on a durable timer.
 */

/** Why a call may not go to the vendor yet, and when it may try again. */
export interface Hold {
  retryAt: Date;
  /** The gate's reason (`rate_limited_A0003`, …), or WAITING_FOR_SLOT when every slot is taken. */
  reason: string;
  /** The vendor gate that is closed; absent for a slot wait. */
  gate?: GateName;
}

export interface TurnRules {
  /** Takes the call's slot (or finds it held already); false when every slot of the cap is taken. */
  takeSlot?: () => Promise<boolean>;
  /** Says the call is on its way to the vendor, under the slot it took. */
  onTurn?: () => Promise<void>;
  /** The gates this call must pass: undefined when open. */
  closedGate: () => Promise<Hold | undefined>;
  /** Wakes a slot waiter as soon as any worker gives a slot back. */
  slotReleases: NotificationListener;
}

/**
 * Pauses up to this long are waited out inside the activity: a workflow timer costs a round trip
 * through Temporal and fires on the server's timer tick (about a second), which adds up when
 * Retry-After is 1 s.
 */
export const SHORT_PAUSE_MS = 2_000;
/** A slot waiter asks again at least this often; a release anywhere wakes it sooner. */
const SLOT_RETRY_MS = 1_000;
/**
 * Spreads calls that wait for the same reopening, so they do not arrive at the vendor together.
 * After a request-rate pause (the `all` gate) the spread is tight: a 429 that the first call
 * draws closes the gate again within milliseconds, and every call still asleep then waits out a
 * whole second pause. After a concurrency or quota pause (the `submit` gate) it is wide: submits
 * arriving together could draw several A0002s at once, and one sent after the first was recorded,
 * before any accepted submit, halves the learned cap.
 */
const WAKE_SPREAD_MS: Record<GateName, number> = { all: 25, submit: 150 };

/**
 * The rules of one call to `vendor` in the shared tables: the job's slot under the cap when `slot`
 * is given (a job that holds it already keeps it), then `gates`.
 */
export function vendorTurnRules(
  pool: Pool,
  vendor: string,
  gates: readonly GateName[],
  slotReleases: NotificationListener,
  slot?: { jobId: string; configuredCap: number; leaseMs: number },
): TurnRules {
  return {
    takeSlot: slot && (() => withTransaction(pool, (tx) => tryAcquireSlot(tx, vendor, slot.jobId, slot.configuredCap, slot.leaseMs))),
    onTurn: slot && (() => markRequested(pool, vendor, slot.jobId)),
    closedGate: async () => {
      const gate = await passGates(pool, vendor, gates);
      return gate.open ? undefined : { retryAt: gate.until, reason: gate.reason ?? 'rate_limited', gate: gate.gate };
    },
    slotReleases,
  };
}

/** Takes the slot first, the gates last: a pause that began while the slot was being taken still stops the call. */
async function holdOn(rules: TurnRules): Promise<Hold | undefined> {
  if (rules.takeSlot && !(await rules.takeSlot())) return { retryAt: new Date(Date.now() + SLOT_RETRY_MS), reason: WAITING_FOR_SLOT };
  return rules.closedGate();
}

/**
 * Waits out `hold` when it ends within SHORT_PAUSE_MS and before `deadline` (a slot wait ends early
 * when a slot is given back) and answers true; otherwise answers false at once: the caller gives
 * the hold back to its workflow. Call it inside whileHeartbeating.
 */
export async function waitOutShortHold(hold: Hold, deadline: number, slotReleases: NotificationListener): Promise<boolean> {
  const waitMs = Math.max(0, hold.retryAt.getTime() - Date.now());
  if (waitMs > SHORT_PAUSE_MS || Date.now() + waitMs > deadline) return false;
  if (hold.reason === WAITING_FOR_SLOT) await slotReleases.wait(waitMs);
  else await Context.current().sleep(waitMs + Math.random() * WAKE_SPREAD_MS[hold.gate ?? 'submit']);
  return true;
}

/**
 * Waits until the call may go: its slot taken and the gates open. Returns undefined then, or the
 * hold that outlasts a short pause or `deadline`. Call it inside whileHeartbeating: a silent wait
 * past the heartbeat timeout would be retried by Temporal beside itself.
 */
export async function waitForTurn(rules: TurnRules, deadline: number): Promise<Hold | undefined> {
  for (;;) {
    const hold = await holdOn(rules);
    if (!hold) {
      await rules.onTurn?.();
      return undefined;
    }
    if (!(await waitOutShortHold(hold, deadline, rules.slotReleases))) return hold;
  }
}
