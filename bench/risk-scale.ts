// `npm run bench:risk-scale`: the region query (one statement vs 250), the grid batch at the
// default resolution, and 100- vs 1,000-site portfolios end to end through REST with the worker
// in its own process (its peak RSS sampled), all in the same run.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { findFreePort } from '../src/infra/net';
import { SCENARIOS } from '../src/domain/risk/types';
import { firstGridPoints, startGridBatch } from '../test/support/grid-batch';
import { getAssessment, postAssessment, site, waitForAssessment } from '../test/support/risk';
import { startTestStack, testConfig, type TestStack } from '../test/support/stack';
import { spawnWorker } from '../test/support/worker-process';
import { inProcessSite } from './risk-in-process';
import { breakdown, breakdownRows, scrape, type PhaseBreakdown } from './risk-phases';
import { benchRegionQuery, REGION_BENCH_TARGETS } from './risk-scale-regions';

const CELLS_PER_SITE = SCENARIOS.length * 80;
const fmt = (seconds: number) => `${seconds.toFixed(1)} s`;

/** Resident set of a process now and at its peak, in MB, from /proc. */
function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(/\d+/.exec(status.split('\n').find((l) => l.startsWith(field)) ?? '0')?.[0] ?? 0);
  return { rssMb: kb('VmRSS:') / 1024, peakMb: kb('VmHWM:') / 1024 };
}

async function gridBatch(stack: TestStack): Promise<{ seconds: number; points: number; rowsPerSecond: number }> {
  const grid = await firstGridPoints(stack, 1_000_000);
  const started = performance.now();
  const status = await (await startGridBatch(stack, `bench-grid-${Date.now()}`, grid)).result();
  const seconds = (performance.now() - started) / 1000;
  return { seconds, points: status.pointsDone, rowsPerSecond: (status.pointsDone * CELLS_PER_SITE * 9) / seconds };
}

interface PortfolioRun {
  seconds: number;
  rssAfterMb: number;
  phases: PhaseBreakdown;
}

async function portfolio(stack: TestStack, sites: number, worker: { pid: number; metricsUrl: string }): Promise<PortfolioRun> {
  const body = { sites: Array.from({ length: sites }, (_, i) => site(`p${sites}-${i}`, i)) };
  const before = await scrape(worker.metricsUrl);
  const started = performance.now();
  const { status, body: created } = await postAssessment(stack, body, `bench-portfolio-${sites}-${Date.now()}`);
  if (status !== 202) throw new Error(`POST answered ${status}: ${JSON.stringify(created)}`);
  const view = await waitForAssessment(stack, created.id, 'COMPLETED', 30 * 60_000);
  const seconds = (performance.now() - started) / 1000;
  if (view.progress.completedCells !== sites * CELLS_PER_SITE) throw new Error(`expected ${sites * CELLS_PER_SITE} cells, got ${view.progress.completedCells}`);
  const phases = breakdown(before, await scrape(worker.metricsUrl), seconds);
  // Printed at once as well, so a run cut short (the 1,000 sites on a loaded machine) still leaves its figures.
  console.log(`[bench] portfolio ${sites} sites: ${fmt(seconds)} · load ${load()}`);
  return { seconds, rssAfterMb: memoryOf(worker.pid).rssMb, phases };
}

/** One site through REST → COMPLETED, polled every 10 ms so the poll interval does not dominate. */
async function oneSiteRest(stack: TestStack, n: number): Promise<number> {
  const started = performance.now();
  const { status, body } = await postAssessment(stack, { sites: [site(`one-${n}`, n)] }, `bench-one-${Date.now()}-${n}`);
  if (status !== 202) throw new Error(`POST answered ${status}: ${JSON.stringify(body)}`);
  for (;;) {
    const view = await getAssessment(stack, body.id);
    if (view.status === 'COMPLETED') return (performance.now() - started) / 1000;
    if (['FAILED', 'CANCELED'].includes(view.status)) throw new Error(`one-site assessment ended ${view.status}`);
    await sleep(10);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

async function portfolioRows(stack: TestStack, worker: { pid: number; metricsUrl: string }, maxSites: number): Promise<string[][]> {
  const slots = stack.config.pipelines.risk.queue.maxConcurrentActivities;
  await portfolio(stack, 10, worker); // warm-up: connections, caches, JIT
  const rest: number[] = [];
  const local: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    rest.push(await oneSiteRest(stack, i));
    local.push(await inProcessSite(stack));
  }
  const loadBefore = load();
  const p100 = await portfolio(stack, 100, worker);
  const rows = [
    ['1 site REST → COMPLETED, worker in its own process (median of 3)', fmt2(median(rest)), rest.map(fmt2).join(' / ')],
    ['same work in-process, no Temporal (median of 3)', fmt2(median(local)), local.map(fmt2).join(' / ')],
    ['ratio REST / in-process', `${(median(rest) / median(local)).toFixed(2)}×`, 'target ≤ 1.5×'],
    ['portfolio 100 sites (REST → COMPLETED)', fmt(p100.seconds), `load before ${loadBefore}, after ${load()}`],
    ...breakdownRows('  100 sites', p100.phases, slots),
  ];
  if (maxSites < 1000) return rows;
  const p1000 = await portfolio(stack, 1000, worker);
  return [
    ...rows,
    ['portfolio 1,000 sites', fmt(p1000.seconds), `target ≤ 180 s · load after ${load()}`],
    ...breakdownRows('  1,000 sites', p1000.phases, slots),
    ['cost ratio 1,000 / 100', `${(p1000.seconds / p100.seconds).toFixed(2)}×`, 'target ≤ 11×'],
    ['worker RSS after 100 / after 1,000 sites', `${p100.rssAfterMb.toFixed(0)} / ${p1000.rssAfterMb.toFixed(0)} MB`, 'flat'],
  ];
}

const fmt2 = (seconds: number) => `${seconds.toFixed(2)} s`;

/**
 * `-- regions batch portfolio` picks parts (default: all); the portfolio part runs the batch first
 * when asked for both. `--max-sites 100` stops after the 100-site portfolio (profiling).
 */
const parts = new Set(process.argv.slice(2).filter((a) => ['regions', 'batch', 'portfolio'].includes(a)));
const maxSitesArg = process.argv.indexOf('--max-sites');
const maxSites = maxSitesArg > 0 ? Number(process.argv[maxSitesArg + 1]) : 1000;
const wants = (part: string) => parts.size === 0 || parts.has(part);

async function main(): Promise<void> {
  const rows: string[][] = [];
  if (wants('regions')) {
    const regions = await benchRegionQuery();
    const region = regions.asLoaded;
    rows.push(
      [`region scores, 250 regions × 16 years, one statement (${regions.resolutionDeg}° grid, ${regions.gridPoints} points)`, `${region.oneStatementMs.toFixed(1)} ms`, `target ≤ ${REGION_BENCH_TARGETS.maxMs} ms`],
      ['same, 250 separate per-region queries', `${region.singleQueriesMs.toFixed(1)} ms`, 'baseline'],
      ['speed-up', `${region.ratio.toFixed(1)}×`, `target ≥ ${REGION_BENCH_TARGETS.minRatio}×`],
    );
  }
  const stack = await startTestStack({ config: testConfig(), queues: false });
  const metricsPort = await findFreePort();
  const worker = spawnWorker(stack.config, ['--queue', 'risk'], { WORKER_METRICS_PORT: String(metricsPort) });
  const workerRef = { pid: worker.child.pid!, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
  try {
    if (wants('batch')) {
      const batch = await gridBatch(stack);
      const rss = memoryOf(worker.child.pid!);
      rows.push([`grid batch, ${batch.points} points × 4 × 80 × 9`, `${fmt(batch.seconds)} (${Math.round(batch.rowsPerSecond).toLocaleString('en')} results/s)`, `worker RSS ${rss.rssMb.toFixed(0)} MB`]);
    }
    if (wants('portfolio')) rows.push(...(await portfolioRows(stack, workerRef, maxSites)));
    rows.push(['worker peak RSS (whole run)', `${memoryOf(worker.child.pid!).peakMb.toFixed(0)} MB`, '']);
    console.log('\nbench:risk-scale');
    for (const [what, value, note] of rows) console.log(`  ${what.padEnd(96)} ${value.padEnd(30)} ${note}`);
    console.log(`  load average at the end: ${load()} (${os.cpus().length} cores)`);
  } finally {
    worker.child.kill('SIGTERM');
    await worker.exited();
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
