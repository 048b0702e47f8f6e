// `npm run bench:stt`: 100 transcriptions against a fake vendor limited to 10 concurrent jobs, 5 s of
// processing each and 10 % random 429s: first through the durable pipeline (API, Temporal, worker,
// PostgreSQL: shared gate and slot cap), then, as the baseline in the same run, through naive workers
// that poll every second and back off alone (bench/stt-naive.ts). Each run gets a fresh vendor.
import { performance } from 'node:perf_hooks';
import type { FakeSttVendorStats } from '../devtools/fake-stt-vendor';
import { startTestStack, testConfig, waitUntil } from '../test/support/stack';
import { startFakeSttVendor, sttEnv, upload, wav } from '../test/support/stt';
import { runNaiveWorkers } from './stt-naive';

const JOBS = Number(process.env.BENCH_STT_JOBS ?? 100);
const NAIVE_WORKERS = Number(process.env.BENCH_STT_NAIVE_WORKERS ?? 20);
const LIMIT = 10;
const PROCESSING_MS = 5_000;
const POLL_MS = 1_000;
const BACKOFF_BASE_MS = 1_000;
const VENDOR = { processingMs: PROCESSING_MS, maxConcurrentJobs: LIMIT, random429Rate: 0.1, retryAfter: true, retryAfterSeconds: 1, seed: 11 };

interface RunResult {
  seconds: number;
  failed: number;
  stats: FakeSttVendorStats;
}

async function durableRun(): Promise<RunResult> {
  const vendor = await startFakeSttVendor(VENDOR);
  const env = sttEnv(vendor, { STT_MAX_IN_FLIGHT: String(LIMIT), STT_POLL_INTERVAL_MS: String(POLL_MS), STT_BACKOFF_BASE_MS: String(BACKOFF_BASE_MS) });
  const stack = await startTestStack({ config: testConfig(env), queues: ['stt'] });
  try {
    const started = performance.now();
    const tag = `bench-${Date.now()}`;
    for (let i = 0; i < JOBS; i++) {
      const res = await upload(stack, { bytes: wav(i), name: `bench-${i}.wav` }, { key: `${tag}-${i}` });
      if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    const finished = async () => {
      const { rows } = await stack.pool.query(
        `SELECT count(*) FILTER (WHERE status IN ('COMPLETED', 'FAILED', 'CANCELED'))::int AS done, count(*) FILTER (WHERE status = 'FAILED')::int AS failed FROM stt_jobs WHERE id LIKE $1`,
        [`stt-${tag}-%`],
      );
      return rows[0].done === JOBS ? rows[0] : undefined;
    };
    const { failed } = await waitUntil('all jobs to finish', finished, 20 * 60_000);
    return { seconds: (performance.now() - started) / 1000, failed, stats: vendor.admin.stats() };
  } finally {
    await stack.stop();
    await vendor.stop();
  }
}

async function naiveRun(): Promise<RunResult> {
  const vendor = await startFakeSttVendor(VENDOR);
  try {
    const audio = Array.from({ length: JOBS }, (_, i) => wav(i));
    const { seconds, failed } = await runNaiveWorkers({ vendorUrl: vendor.url, audio, workers: NAIVE_WORKERS, pollMs: POLL_MS, backoffBaseMs: BACKOFF_BASE_MS, backoffMaxMs: 300_000 });
    return { seconds, failed, stats: vendor.admin.stats() };
  } finally {
    await vendor.stop();
  }
}

function row(label: string, ideal: number, { seconds, failed, stats }: RunResult): string {
  const requests = stats.requests.total;
  return (
    `  ${label.padEnd(34)} makespan ${seconds.toFixed(1)} s (${(seconds / ideal).toFixed(2)}× ideal)  ` +
    `429s ${stats.responses429.total}/${requests} = ${((100 * stats.responses429.total) / requests).toFixed(1)} % ` +
    `(random ${stats.responses429.random}, over-limit A0002 ${stats.responses429.A0002})  ` +
    `requests while limited ${stats.requestsWhileLimited}  max concurrent ${stats.maxConcurrentJobsObserved}  failed ${failed}`
  );
}

async function main(): Promise<void> {
  const ideal = (JOBS / LIMIT) * (PROCESSING_MS / 1000);
  const rows = [row('durable (shared gate + slot cap)', ideal, await durableRun())];
  console.log(rows[0]);
  rows.push(row(`naive (${NAIVE_WORKERS} workers, own backoff)`, ideal, await naiveRun()));
  console.log(rows[1]);
  console.log(`\nbench:stt — ${JOBS} jobs, vendor limit ${LIMIT} concurrent, ${PROCESSING_MS / 1000} s each, 10 % random 429s (Retry-After 1 s), poll every ${POLL_MS / 1000} s`);
  console.log(`  ideal ${JOBS}/${LIMIT} × ${PROCESSING_MS / 1000} s = ${ideal} s; targets: makespan ≤ 1.2× ideal, 429 share ≤ 5 %, no failures`);
  for (const line of rows) console.log(line);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
