import type { Pool } from 'pg';
import { backoffDelayMs } from '../../domain/shared/backoff';
import { gateFor, WAITING_FOR_SLOT } from '../../domain/shared/vendor-limits';
import type { NotificationListener } from '../../infra/db/notifications';
import { withTransaction } from '../../infra/db/pool';
import { ModelRateLimitedError } from '../../infra/feedback/model-errors';
import * as gates from '../../infra/vendor-gate/gates';
import * as slots from '../../infra/vendor-gate/slots';
import type { ModelSettings } from '../../pipelines/feedback/settings';
import { whileHeartbeating } from '../shared/heartbeat';
import { vendorTurnRules, waitForTurn } from '../shared/vendor-turn';

/**
 * The model server behind the shared vendor gate (infra/vendor-gate): a call takes one of the
 * concurrent-request slots, passes the gates a 429 closes (the wait is activities/shared/vendor-turn.ts,
 * as for STT), and its outcome teaches the adaptive cap. Every model request is a "submit" in the
 * gate's terms: accepted when the server answers 200.
 */

/** The key of the model server's row in vendor_limits and vendor_slots. */
export const MODEL_VENDOR = 'llm';

/** The server said "not now": no worker calls it again before `retryAt`. */
export interface Paused {
  outcome: 'rate_limited';
  retryAt: string;
  reason: string;
}

export interface ModelGate {
  /** Waits (heartbeating) until a slot is held and the gates are open, up to `maxWaitMs`; a long pause or no slot by then comes back. */
  admit(jobId: string, maxWaitMs: number): Promise<Paused | { outcome: 'no_slot' } | undefined>;
  accepted(jobId: string): Promise<void>;
  renew(jobId: string): Promise<void>;
  /** The call ended with an answer: the slot goes back and the cap may grow. */
  succeeded(jobId: string): Promise<void>;
  /** A 429 or 503-with-Retry-After: the gate closes for every worker; the slot goes back. Returns when calls may resume. */
  limited(jobId: string, err: ModelRateLimitedError): Promise<Paused>;
  release(jobId: string): Promise<void>;
}

export function createModelGate(pool: Pool, settings: ModelSettings, slotReleases: NotificationListener): ModelGate {
  const cap = settings.maxInFlight;
  return {
    async admit(jobId, maxWaitMs) {
      // Every model request is a "submit" in the gates' terms.
      const rules = vendorTurnRules(pool, MODEL_VENDOR, ['submit', 'all'], slotReleases, { jobId, configuredCap: cap, leaseMs: settings.slotLeaseMs });
      const hold = await whileHeartbeating(() => waitForTurn(rules, Date.now() + maxWaitMs));
      if (!hold) return undefined;
      if (hold.reason === WAITING_FOR_SLOT) return { outcome: 'no_slot' };
      // A long pause goes back to the workflow: the slot waits for nobody meanwhile.
      await slots.releaseSlot(pool, MODEL_VENDOR, jobId);
      return { outcome: 'rate_limited', retryAt: hold.retryAt.toISOString(), reason: hold.reason };
    },
    async accepted(jobId) {
      await withTransaction(pool, (tx) => slots.markSubmitted(tx, MODEL_VENDOR, jobId));
    },
    async renew(jobId) {
      await slots.renewSlot(pool, MODEL_VENDOR, jobId, settings.slotLeaseMs);
    },
    async succeeded(jobId) {
      await slots.releaseSlot(pool, MODEL_VENDOR, jobId);
      await withTransaction(pool, (tx) => slots.recordCompletion(tx, MODEL_VENDOR, cap, cap));
      await gates.endStreak(pool, MODEL_VENDOR);
    },
    async limited(jobId, err) {
      if (err.limitClass === 'concurrency') {
        // Lowers the learned cap to what the server had accepted, and gives this call's slot back.
        await withTransaction(pool, (tx) => slots.recordConcurrencyRefusal(tx, MODEL_VENDOR, jobId, cap));
      } else {
        await slots.releaseSlot(pool, MODEL_VENDOR, jobId);
      }
      const streak = (await gates.consecutive429s(pool, MODEL_VENDOR)) + 1;
      const delayMs = err.retryAfterMs ?? backoffDelayMs(streak, settings.backoffBaseMs, settings.backoffMaxMs, Math.random());
      const code = err.vendorCode ?? String(err.httpStatus ?? 429);
      const reason = `rate_limited_${err.httpStatus ?? 429}`;
      const until = await gates.closeGate(pool, MODEL_VENDOR, { gate: gateFor(err.limitClass), class: err.limitClass, code, reason, delayMs });
      return { outcome: 'rate_limited', retryAt: until.toISOString(), reason };
    },
    async release(jobId) {
      await slots.releaseSlot(pool, MODEL_VENDOR, jobId);
    },
  };
}
