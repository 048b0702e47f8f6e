// `npm run bench:llm`: feedback jobs through the durable pipeline (API, Temporal, worker, PostgreSQL,
// the shared vendor gate) against the fake model server limited to 8 concurrent requests, with
// LLM_MAX_IN_FLIGHT=8. Prints the makespan beside the ideal schedule measured on the same server in
// the same run: every answer takes (its tokens × the per-token latency), 8 at a time, perfectly packed.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { feedbackEnv, insertChallenge, postFeedbackJob, startFakeModelServer } from '../test/support/feedback';
import { startTestStack, testConfig, waitUntil } from '../test/support/stack';

const JOBS = Number(process.env.BENCH_LLM_JOBS ?? 200);
const LIMIT = 8;
const TOKEN_LATENCY_MS = Number(process.env.BENCH_LLM_TOKEN_LATENCY_MS ?? 20);
const TARGET_RATIO = 1.2;
const POSTS_IN_FLIGHT = 20;

const loadAverage = () => os.loadavg().map((n) => n.toFixed(2)).join(' ');

/** Perfect packing of known durations on LIMIT lanes (longest first onto the least loaded lane). */
function idealSeconds(durationsMs: number[]): number {
  const lanes = new Array<number>(LIMIT).fill(0);
  for (const d of [...durationsMs].sort((a, b) => b - a)) lanes[lanes.indexOf(Math.min(...lanes))] += d;
  return Math.max(...lanes) / 1000;
}

async function main(): Promise<void> {
  const server = await startFakeModelServer({ tokenLatencyMs: TOKEN_LATENCY_MS, tokensPerChunk: 4, maxConcurrentRequests: LIMIT, retryAfterSeconds: 1 });
  const env = feedbackEnv(server, { LLM_MAX_IN_FLIGHT: String(LIMIT), FEEDBACK_MAX_ACTIVITIES: '16', LLM_IDLE_TIMEOUT_MS: '30000' });
  const stack = await startTestStack({ config: testConfig(env), queues: ['feedback'] });
  try {
    await stack.pool.query(`DELETE FROM vendor_limits WHERE vendor = 'llm'`);
    await insertChallenge(stack.pool, 'bench-challenge');
    const tag = `bench-llm-${Date.now()}`;
    console.log(`bench:llm — ${JOBS} feedback jobs, model server limit ${LIMIT} concurrent requests, ${TOKEN_LATENCY_MS} ms per token; load average before: ${loadAverage()}`);
    const started = performance.now();
    // Clients arrive together: the requests go out POSTS_IN_FLIGHT at a time, so accepting is not what is measured.
    let next = 0;
    const poster = async () => {
      for (let i = next++; i < JOBS; i = next++) {
        const res = await postFeedbackJob(stack, { challengeId: 'bench-challenge', submission: { text: `Bench submission ${i}: I walked instead of driving.` } }, `${tag}-${i}`);
        if (res.status !== 202) throw new Error(`POST answered ${res.status}: ${JSON.stringify(res.body)}`);
      }
    };
    await Promise.all(Array.from({ length: POSTS_IN_FLIGHT }, poster));
    const acceptedS = (performance.now() - started) / 1000;
    const { failed } = await waitUntil(
      'every job to finish',
      async () => {
        const { rows } = await stack.pool.query<{ done: number; failed: number }>(
          `SELECT count(*) FILTER (WHERE status <> 'RUNNING')::int AS done, count(*) FILTER (WHERE status = 'FAILED')::int AS failed FROM feedback_jobs WHERE id LIKE $1`,
          [`feedback-${tag}-%`],
        );
        return rows[0].done === JOBS ? rows[0] : undefined;
      },
      30 * 60_000,
    );
    const seconds = (performance.now() - started) / 1000;
    const { rows } = await stack.pool.query<{ completion_tokens: number }>(
      `SELECT completion_tokens FROM feedback_model_calls WHERE job_id LIKE $1 AND outcome IN ('valid', 'invalid')`,
      [`feedback-${tag}-%`],
    );
    // What the server spends per answer: one latency per chunk of tokensPerChunk tokens.
    const durations = rows.map((r) => Math.ceil(r.completion_tokens / 4) * 4 * TOKEN_LATENCY_MS);
    const ideal = idealSeconds(durations);
    const stats = server.admin.stats();
    const ratio = seconds / ideal;
    console.log(`accepted ${JOBS} jobs in ${acceptedS.toFixed(1)} s; ${failed} failed; model calls ${stats.requests} (429: ${stats.rateLimited}), peak in flight ${stats.peakInFlight}`);
    console.log(`makespan ${seconds.toFixed(1)} s, ideal ${ideal.toFixed(1)} s (${rows.length} answers, mean ${(durations.reduce((a, b) => a + b, 0) / durations.length / 1000).toFixed(2)} s each, ${LIMIT} at a time)`);
    // How the time went: the server's own answering time (timers stretch on a loaded machine) and how full the 8 lanes were kept.
    const meanAnswerS = stats.answeringMs / stats.completed / 1000;
    console.log(`server answering time: mean ${meanAnswerS.toFixed(2)} s per answer (nominal ${(durations.reduce((a, b) => a + b, 0) / durations.length / 1000).toFixed(2)} s); lanes busy ${((100 * stats.answeringMs) / (LIMIT * seconds * 1000)).toFixed(0)} % of the makespan; ideal with the measured answering time ${(stats.answeringMs / LIMIT / 1000).toFixed(1)} s (${(seconds / (stats.answeringMs / LIMIT / 1000)).toFixed(2)}×)`);
    console.log(`ratio ${ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO}×) ${ratio <= TARGET_RATIO ? 'OK' : 'ABOVE TARGET'}; load average after: ${loadAverage()}`);
  } finally {
    await stack.stop();
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
