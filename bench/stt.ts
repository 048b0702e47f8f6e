// `npm run bench:stt`: 100 transcriptions against a fake vendor limited to 10 concurrent jobs,
// 5 s of processing each and 10 % random 429s, with the shared gate and slot cap on, then off.
import { performance } from 'node:perf_hooks';
import { startTestStack, testConfig, waitUntil } from '../test/support/stack';
import { startFakeSttVendor, sttEnv, upload, wav } from '../test/support/stt';

const JOBS = Number(process.env.BENCH_STT_JOBS ?? 100);
const LIMIT = 10;
const PROCESSING_MS = 5_000;
const POLL_MS = 1_000;

async function runOnce(coordinated: boolean) {
  const vendor = await startFakeSttVendor({ processingMs: PROCESSING_MS, maxConcurrentJobs: LIMIT, random429Rate: 0.1, retryAfter: true, retryAfterSeconds: 1, seed: 11 });
  const env = sttEnv(vendor, {
    STT_MAX_IN_FLIGHT: String(LIMIT),
    STT_POLL_INTERVAL_MS: String(POLL_MS),
    STT_BACKOFF_BASE_MS: '1000',
    STT_GATE_ENABLED: String(coordinated),
    STT_CAP_ENABLED: String(coordinated),
  });
  const stack = await startTestStack({ config: testConfig(env), queues: ['stt'] });
  try {
    const started = performance.now();
    const tag = `${coordinated ? 'on' : 'off'}-${Date.now()}`;
    for (let i = 0; i < JOBS; i++) {
      const res = await upload(stack, { bytes: wav(i), name: `bench-${i}.wav` }, { key: `${tag}-${i}` });
      if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    const finished = async () => {
      const { rows } = await stack.pool.query(`SELECT count(*) FILTER (WHERE status IN ('COMPLETED', 'FAILED', 'CANCELED'))::int AS done, count(*) FILTER (WHERE status = 'FAILED')::int AS failed FROM stt_jobs WHERE id LIKE $1`, [`stt-${tag}-%`]);
      return rows[0].done === JOBS ? rows[0] : undefined;
    };
    const { failed } = await waitUntil('all jobs to finish', finished, 20 * 60_000);
    const seconds = (performance.now() - started) / 1000;
    const stats = vendor.admin.stats();
    return { seconds, failed, stats };
  } finally {
    await stack.stop();
    await vendor.stop();
  }
}

async function main(): Promise<void> {
  const ideal = (JOBS / LIMIT) * (PROCESSING_MS / 1000);
  const rows: string[] = [];
  for (const coordinated of [true, false]) {
    const { seconds, failed, stats } = await runOnce(coordinated);
    const requests = stats.requests.total;
    rows.push(
      `  gate + cap ${coordinated ? 'on ' : 'off'}  makespan ${seconds.toFixed(1)} s (${(seconds / ideal).toFixed(2)}× ideal)  ` +
        `429s ${stats.responses429.total}/${requests} = ${((100 * stats.responses429.total) / requests).toFixed(1)} % ` +
        `(random ${stats.responses429.random}, over-limit A0002 ${stats.responses429.A0002})  ` +
        `requests while limited ${stats.requestsWhileLimited}  max concurrent ${stats.maxConcurrentJobsObserved}  failed ${failed}`,
    );
    console.log(rows.at(-1));
  }
  console.log(`\nbench:stt — ${JOBS} jobs, vendor limit ${LIMIT} concurrent, ${PROCESSING_MS / 1000} s each, 10 % random 429s (Retry-After 1 s), poll every ${POLL_MS / 1000} s`);
  console.log(`  ideal ${JOBS}/${LIMIT} × ${PROCESSING_MS / 1000} s = ${ideal} s; targets: makespan ≤ 1.2× ideal, 429 share ≤ 5 %, no failures`);
  for (const row of rows) console.log(row);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
