import { Context } from '@temporalio/activity';

/**
 * Runs `work` while telling Temporal every `everyMs` that this attempt is alive, so a worker that
 * dies mid-call is noticed after the heartbeat timeout instead of the whole start-to-close
 * timeout. (The SDK throttles what it actually sends to the server.)
 */
export async function whileHeartbeating<T>(work: () => Promise<T>, everyMs = 2_000): Promise<T> {
  const ctx = Context.current();
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
