import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import { backoffDelayMs } from '../../domain/shared/backoff';
import { gateFor } from '../../domain/shared/vendor-limits';
import type { NotificationListener } from '../../infra/db/notifications';
import { withTransaction } from '../../infra/db/pool';
import { ModelRateLimitedError } from '../../infra/feedback/model-errors';
import * as gates from '../../infra/vendor-gate/gates';
import * as slots from '../../infra/vendor-gate/slots';
import type { ModelSettings } from '../../pipelines/feedback/settings';

/**
 * The model server behind the shared vendor gate (infra/vendor-gate): a call takes one of the
 * concurrent-request slots, passes the gates a 429 closes, and its outcome teaches the adaptive
 * cap. Every model request is a "submit" in the gate's terms: accepted when the server answers 200.
 */

/** The key of the model server's row in vendor_limits and vendor_slots. */
export const MODEL_VENDOR = 'llm';

/** The server said "not now": no worker calls it again before `retryAt`. */
export interface Paused {
  outcome: 'rate_limited';
  retryAt: string;
  reason: string;
}

/** Pauses this short are waited out in the activity; longer ones go back to the workflow, which shows `rate_limited`. */
const SHORT_PAUSE_MS = 2_000;
/** Spreads jobs that wait for the same reopening. */
const WAKE_JITTER_MS = 150;

export interface ModelGate {
  /** Waits (heartbeating) until the gates are open and a slot is held, up to `maxWaitMs`; a long pause or no slot by then comes back. */
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
  const sleep = (ms: number) => Context.current().sleep(ms);

  async function closedGate(): Promise<Paused | undefined> {
    const gate = await gates.passGates(pool, MODEL_VENDOR, ['submit', 'all']);
    return gate.open ? undefined : { outcome: 'rate_limited', retryAt: gate.until.toISOString(), reason: gate.reason ?? 'rate_limited' };
  }

  return {
    async admit(jobId, maxWaitMs) {
      const deadline = Date.now() + maxWaitMs;
      for (;;) {
        Context.current().heartbeat();
        const paused = await closedGate();
        if (paused) {
          const waitMs = Date.parse(paused.retryAt) - Date.now();
          if (waitMs > SHORT_PAUSE_MS || Date.now() + waitMs > deadline) return paused;
          await sleep(Math.max(0, waitMs) + Math.random() * WAKE_JITTER_MS);
          continue;
        }
        if (await withTransaction(pool, (tx) => slots.tryAcquireSlot(tx, MODEL_VENDOR, jobId, cap, settings.slotLeaseMs))) return undefined;
        if (Date.now() >= deadline) return { outcome: 'no_slot' };
        await slotReleases.wait(Math.min(1_000, deadline - Date.now()));
      }
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
