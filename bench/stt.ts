// `npm run bench:stt`: transcriptions through the durable pipeline (API, Temporal, worker, PostgreSQL:
// the gates per limit class and the adaptive cap) against a fake vendor, one scenario at a time, each
// on a fresh vendor and with the ideal makespan printed beside it:
//   (a) account limit 10, 10 % random 429s (A0003, Retry-After 1 s); the baseline measured in the
//       same run is the naive design (bench/stt-naive.ts) on the same vendor;
//   (b) misconfigured: the account allows 3 jobs, STT_MAX_IN_FLIGHT=10, no random 429s;
//   (c) the account's limit drops from 10 to 4 mid-run (fake vendor admin API).
// Each writes an SVG (jobs in flight and cap over time, 429s as ticks) and the figures to bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FakeSttVendorStats } from '../devtools/fake-stt-vendor';
import type { VendorState } from '../src/api/stt/vendor';
import { startTestStack, testConfig, waitUntil } from '../test/support/stack';
import type { JobTimes } from '../devtools/fake-stt-vendor/jobs';
import { startFakeSttVendor, sttEnv, upload, wav, type FakeVendor } from '../test/support/stt';
import { chartSvg, type ChartMark, type ChartSample } from './stt-chart';
import { runNaiveWorkers } from './stt-naive';
import { idealSeconds, JOBS, POLL_MS, PROCESSING_MS, SCENARIOS, vendorOptions, type Scenario } from './stt-scenarios';

const NAIVE_WORKERS = Number(process.env.BENCH_STT_NAIVE_WORKERS ?? 20);
const ONLY = process.env.BENCH_STT_SCENARIOS?.split(',');
// BENCH_STT_NAIVE=0 leaves out the naive baseline, for quicker looks at the durable runs alone.
const BACKOFF_BASE_MS = 1_000;
const SAMPLE_MS = 250;
const RESULTS_DIR = path.join(__dirname, 'results');

interface RunResult {
  seconds: number;
  failed: number;
  stats: FakeSttVendorStats;
  submitsPerJob?: { min: number; max: number };
  /** Where the account's job lanes went (durable runs only). */
  lanes?: LaneBreakdown;
  /** Share of the samples in which the all gate (rate-class 429s) was closed. */
  allGateClosedShare?: number;
}

/**
 * The account's lane-seconds (its limit over time, from the first accepted submit to the last
 * fetched result) split into: a job transcribing, a finished job not yet polled (its result
 * unfetched, so the vendor still counts it), and no job at all.
 */
interface LaneBreakdown {
  transcribingShare: number;
  awaitingPollShare: number;
  emptyShare: number;
  meanAwaitingPollMs: number;
  /** Percentiles of a finished job's wait for its fetching poll, ms. */
  awaitingPollP50Ms: number;
  awaitingPollP90Ms: number;
  /** A fetched result to the next job the vendor accepted, ms: how long a freed lane stays empty. */
  handOverP50Ms: number;
  handOverP90Ms: number;
  /** The first job accepted, counted from the run's start, ms: what the uploads and the first submits cost. */
  firstAcceptedMs: number;
}

/** Each fetched result paired with the first later acceptance not yet paired: the lane's hand-over. */
function handOvers(fetchedAt: number[], submittedAt: number[]): number[] {
  const submits = [...submittedAt].sort((a, b) => a - b);
  const gaps: number[] = [];
  let next = 0;
  for (const at of [...fetchedAt].sort((a, b) => a - b)) {
    while (next < submits.length && submits[next] < at) next++;
    if (next === submits.length) break;
    gaps.push(submits[next] - at);
    next++;
  }
  return gaps;
}

function laneBreakdown(jobs: JobTimes[], limitAt: (epochMs: number) => number, startedAt: number): LaneBreakdown | undefined {
  const fetched = jobs.filter((j): j is JobTimes & { resultFetchedAt: number } => j.resultFetchedAt !== undefined);
  if (fetched.length === 0) return undefined;
  const from = Math.min(...fetched.map((j) => j.submittedAt));
  const to = Math.max(...fetched.map((j) => j.resultFetchedAt));
  let laneMs = 0;
  for (let t = from; t < to; t += 10) laneMs += limitAt(t) * Math.min(10, to - t);
  const transcribing = fetched.reduce((sum, j) => sum + (j.readyAt - j.submittedAt), 0);
  const awaiting = fetched.reduce((sum, j) => sum + Math.max(0, j.resultFetchedAt - j.readyAt), 0);
  return {
    transcribingShare: transcribing / laneMs,
    awaitingPollShare: awaiting / laneMs,
    emptyShare: Math.max(0, 1 - (transcribing + awaiting) / laneMs),
    meanAwaitingPollMs: awaiting / fetched.length,
    awaitingPollP50Ms: percentile(fetched.map((j) => j.resultFetchedAt - j.readyAt), 0.5),
    awaitingPollP90Ms: percentile(fetched.map((j) => j.resultFetchedAt - j.readyAt), 0.9),
    ...handOverPercentiles(handOvers(fetched.map((j) => j.resultFetchedAt), jobs.map((j) => j.submittedAt))),
    firstAcceptedMs: from - startedAt,
  };
}

function handOverPercentiles(gaps: number[]): { handOverP50Ms: number; handOverP90Ms: number } {
  return gaps.length === 0 ? { handOverP50Ms: 0, handOverP90Ms: 0 } : { handOverP50Ms: percentile(gaps, 0.5), handOverP90Ms: percentile(gaps, 0.9) };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function durableRun(s: Scenario, ideal: number): Promise<RunResult> {
  const vendor = await startFakeSttVendor(vendorOptions(s));
  const env = sttEnv(vendor, { STT_MAX_IN_FLIGHT: String(s.configuredCap), STT_POLL_INTERVAL_MS: String(POLL_MS), STT_BACKOFF_BASE_MS: String(BACKOFF_BASE_MS) });
  const stack = await startTestStack({ config: testConfig(env), queues: ['stt'] });
  // Each scenario learns from scratch: what an earlier one taught the shared state does not carry over.
  await stack.pool.query(`DELETE FROM vendor_limits`);
  const samples: ChartSample[] = [];
  const marks: ChartMark[] = [];
  const started = performance.now();
  const startedAt = Date.now();
  let sampling = true;
  const sampler = sample(stack.apiUrl, vendor, started, samples, marks, () => sampling);
  let limitChangedAt: number | undefined;
  const limitChange = s.limitChange
    ? setTimeout(() => {
        limitChangedAt = Date.now();
        vendor.admin.configure({ maxConcurrentJobs: s.limitChange!.maxConcurrentJobs });
      }, s.limitChange.atS * 1000)
    : undefined;
  const limitAt = (epochMs: number) => (limitChangedAt !== undefined && epochMs >= limitChangedAt ? s.limitChange!.maxConcurrentJobs : s.vendor.maxConcurrentJobs);
  try {
    const tag = `bench-${s.key}-${Date.now()}`;
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
    const seconds = (performance.now() - started) / 1000;
    sampling = false;
    await sampler;
    const stats = vendor.admin.stats();
    const perJob = Array.from({ length: JOBS }, (_, i) => stats.submits.byFilename[`stt-${tag}-${i}.wav`] ?? 0);
    writeChart(s, samples, marks, ideal, seconds);
    const allGateClosedShare = samples.filter((x) => x.allGateClosed).length / Math.max(1, samples.length);
    return { seconds, failed, stats, submitsPerJob: { min: Math.min(...perJob), max: Math.max(...perJob) }, lanes: laneBreakdown(vendor.admin.jobTimes(), limitAt, startedAt), allGateClosedShare };
  } finally {
    sampling = false;
    clearTimeout(limitChange);
    await stack.stop();
    await vendor.stop();
  }
}

/** Every SAMPLE_MS: the shared state as GET /api/stt/vendor shows it, and the vendor's new 429s as marks. */
async function sample(apiUrl: string, vendor: FakeVendor, started: number, samples: ChartSample[], marks: ChartMark[], go: () => boolean): Promise<void> {
  let seen = { A0001: 0, A0002: 0, A0003: 0 };
  while (go()) {
    const atS = (performance.now() - started) / 1000;
    const state = (await (await fetch(`${apiUrl}/api/stt/vendor`)).json()) as VendorState;
    const stats = vendor.admin.stats();
    samples.push({ atS, inFlight: state.inFlight, cap: state.cap.learned, accountLimit: vendor.admin.options().maxConcurrentJobs, allGateClosed: !state.gates.all.open });
    for (const code of ['A0001', 'A0002', 'A0003'] as const) {
      for (let n = seen[code]; n < stats.responses429[code]; n++) marks.push({ atS, code });
    }
    seen = { A0001: stats.responses429.A0001, A0002: stats.responses429.A0002, A0003: stats.responses429.A0003 };
    await new Promise((r) => setTimeout(r, SAMPLE_MS));
  }
}

function writeChart(s: Scenario, samples: ChartSample[], marks: ChartMark[], ideal: number, seconds: number): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const title = `${s.title}: makespan ${seconds.toFixed(1)} s, ideal ${ideal.toFixed(1)} s (${(seconds / ideal).toFixed(2)}×)`;
  writeFileSync(path.join(RESULTS_DIR, `stt-${s.key}.svg`), chartSvg(title, samples, marks, ideal));
}

async function naiveRun(s: Scenario): Promise<RunResult> {
  const vendor = await startFakeSttVendor(vendorOptions(s));
  try {
    const audio = Array.from({ length: JOBS }, (_, i) => wav(i));
    const { seconds, failed } = await runNaiveWorkers({ vendorUrl: vendor.url, audio, workers: NAIVE_WORKERS, pollMs: POLL_MS, backoffBaseMs: BACKOFF_BASE_MS, backoffMaxMs: 300_000 });
    return { seconds, failed, stats: vendor.admin.stats() };
  } finally {
    await vendor.stop();
  }
}

function row(label: string, ideal: number, { seconds, failed, stats, submitsPerJob, lanes, allGateClosedShare }: RunResult): string {
  const requests = stats.requests.total;
  const r = stats.responses429;
  const pct = (share: number) => `${(share * 100).toFixed(0)} %`;
  return (
    `  ${label.padEnd(30)} makespan ${seconds.toFixed(1)} s vs ideal ${ideal.toFixed(1)} s = ${(seconds / ideal).toFixed(2)}×  ` +
    `429s ${r.total}/${requests} requests (A0002 ${r.A0002}, A0003 ${r.A0003}, random ${r.random}; polls per job ${pollsPerJob(stats)})  ` +
    `requests while limited ${stats.requestsWhileLimited}  max concurrent ${stats.maxConcurrentJobsObserved}  failed ${failed}` +
    (submitsPerJob ? `  submits per job ${submitsPerJob.min}–${submitsPerJob.max}` : '') +
    (lanes
      ? `\n    account lanes: transcribing ${pct(lanes.transcribingShare)}, finished but not yet polled ${pct(lanes.awaitingPollShare)} ` +
        `(mean ${lanes.meanAwaitingPollMs.toFixed(0)} ms per job, p50 ${lanes.awaitingPollP50Ms.toFixed(0)}, p90 ${lanes.awaitingPollP90Ms.toFixed(0)}), empty ${pct(lanes.emptyShare)} ` +
        `(hand-over from a fetched result to the next accepted job p50 ${lanes.handOverP50Ms.toFixed(0)} ms, p90 ${lanes.handOverP90Ms.toFixed(0)}; first job accepted ${lanes.firstAcceptedMs.toFixed(0)} ms after the start); all gate closed in ${pct(allGateClosedShare ?? 0)} of samples`
      : '')
  );
}

/** Mean polls per job, and how many jobs took 1, 2 and 3 or more (429s included). */
function pollsPerJob(stats: FakeSttVendorStats): string {
  const counts = Object.values(stats.polls.byJob);
  const jobs = (n: number) => counts.filter((c) => (n < 3 ? c === n : c >= n)).length;
  return `${(stats.polls.total / Math.max(1, counts.length)).toFixed(2)}: 1 × ${jobs(1)}, 2 × ${jobs(2)}, 3+ × ${jobs(3)}`;
}

function verdict(s: Scenario, ideal: number, run: RunResult): string {
  const checks = [`makespan ≤ ${s.targetRatio}× ideal: ${run.seconds / ideal <= s.targetRatio ? 'met' : 'MISSED'}`, `0 failures: ${run.failed === 0 ? 'met' : 'MISSED'}`];
  if (s.maxA0002 !== undefined) checks.push(`≤ ${s.maxA0002} A0002: ${run.stats.responses429.A0002 <= s.maxA0002 ? 'met' : 'MISSED'}`);
  checks.push(`one submit per job: ${run.submitsPerJob?.min === 1 && run.submitsPerJob.max === 1 ? 'met' : 'MISSED'}`);
  return `  targets: ${checks.join('; ')}`;
}

async function main(): Promise<void> {
  const lines: string[] = [`bench:stt — ${JOBS} jobs, ${PROCESSING_MS / 1000} s each at the vendor, poll every ${POLL_MS / 1000} s; load average at start ${loadAverage()}`];
  console.log(lines[0]);
  for (const s of SCENARIOS.filter((x) => !ONLY || ONLY.includes(x.key))) {
    const ideal = idealSeconds(s);
    const durable = await durableRun(s, ideal);
    const block = [`\n${s.title}`, row('durable (gates + adaptive cap)', ideal, durable), verdict(s, ideal, durable)];
    if (s.naiveBaseline && process.env.BENCH_STT_NAIVE !== '0') block.push(row(`naive (${NAIVE_WORKERS} workers, own backoff)`, ideal, await naiveRun(s)));
    block.push(`  chart: bench/results/stt-${s.key}.svg; load average now ${loadAverage()}`);
    console.log(block.join('\n'));
    lines.push(...block);
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, 'stt.txt'), `${lines.join('\n')}\n`);
}

function loadAverage(): string {
  return os.loadavg().map((n) => n.toFixed(2)).join(' ');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
