import { Context } from '@temporalio/activity';

/**
 * Runs `work` while telling Temporal every `everyMs` that this attempt is alive, so a worker that
 * dies mid-call is noticed after the heartbeat timeout instead of the whole start-to-close
 * timeout. A call that ends sooner sends none: a heartbeat costs a round trip to the server, and
 * the SDK flushes a pending one before it reports the activity's completion.
 */
export async function whileHeartbeating<T>(work: () => Promise<T>, everyMs = 2_000): Promise<T> {
  const ctx = Context.current();
  const timer = setInterval(() => ctx.heartbeat(), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
