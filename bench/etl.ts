// `npm run bench:etl`: N files × S MB from the sample video host through the ETL pipeline into an
// S3 store (versitygw), against two baselines at the same concurrency, each measured in the same
// run before and after the pipeline so drift on a shared machine shows: the durable baseline does
// the pipeline's work and nothing more (stream, sha256, upload to the same store, completed
// upload; etl-baselines.ts), the plain one only copies to disk. Then the same at 10 × S MB files.
// Every baseline and the worker run in a process of their own beside the host; RSS is the worker
// process's own high-water mark (VmHWM), and CPU seconds are counted per process so the
// comparison says where the cycles went (Linux /proc).
// On a shared machine one pair of baselines can differ from each other by a factor of two, so the
// pipeline runs BENCH_ETL_ROUNDS times, each between two durable baselines (B E B E B …): every
// round's ratio is against its own neighbours, and the figure is the median round, with the range.
// Knobs: BENCH_ETL_FILES (200), BENCH_ETL_MB (10), BENCH_ETL_BIG_FILES (20), BENCH_ETL_ROUNDS (3), BENCH_ETL_WORKER
// (launcher | compiled | tsx; see etl-processes.ts), BENCH_ETL_HOST_BANDWIDTH (bytes/s per connection;
// unset = unthrottled loopback, where every side is CPU-bound, while a throttled host makes the
// link the bottleneck, as on a real network).
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { rmSync } from 'node:fs';
import { mediaPath, startSampleVideoHost } from '../devtools/sample-video-host';
import { findFreePort } from '../src/infra/net';
import { getJob, postCsv } from '../test/support/etl';
import { startTestStack, testConfig, waitUntil } from '../test/support/stack';
import { runBaseline, type CopyJob, type Run } from './etl-baselines';
import { breakdown } from './etl-history';
import { startEtlWorker, temporalServerPid } from './etl-processes';
import { startBenchS3, type BenchS3 } from './etl-s3';
import { cpuSeconds, cpuSecondsByPid, cpuSecondsOrZero, cpuSecondsSince, descendantsOf, peakRssMb } from './proc';
import { median } from './median';

const FILES = Number(process.env.BENCH_ETL_FILES ?? 200);
const MB = Number(process.env.BENCH_ETL_MB ?? 10);
const BIG_FILES = Number(process.env.BENCH_ETL_BIG_FILES ?? 20);
const ROUNDS = Number(process.env.BENCH_ETL_ROUNDS ?? 3);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new RangeError(`BENCH_ETL_ROUNDS: a whole number of at least 1, not ${process.env.BENCH_ETL_ROUNDS}`);
const CONCURRENCY = 8;
const HOST_BANDWIDTH = Number(process.env.BENCH_ETL_HOST_BANDWIDTH ?? 0);

const ownCpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

async function viaEtl(hostUrl: string, s3: BenchS3, files: number, bytes: number, tag: string): Promise<EtlRun> {
  const env = {
    FETCH_ALLOW_HOSTS: '127.0.0.1:*',
    // The worker downloads CONCURRENCY files at once, like the baselines (ETL_CONNECTIONS_PER_HOST).
    // Its chunk keeps twice as many transfers in flight, so the next one waits at the worker while
    // one runs, and twice as many lanes again probe and load around them: activity slots for those.
    ETL_VIDEOS_IN_FLIGHT: String(2 * CONCURRENCY),
    ETL_CONNECTIONS_PER_HOST: String(CONCURRENCY),
    ETL_MAX_ACTIVITIES: String(4 * CONCURRENCY),
    WORKER_METRICS_PORT: String(await findFreePort()),
    LOG_LEVEL: 'info',
    ...s3.env,
  };
  const stack = await startTestStack({ config: testConfig(env), queues: false });
  const worker = await startEtlWorker(stack.config, env);
  try {
    await waitUntil('the worker to poll', async () => worker.output().includes(worker.readyMarker), 180_000);
    const measured = worker.pids();
    const pids = { worker: measured.worker, ...measured.others, 'Temporal server': temporalServerPid(), versitygw: s3.pid };
    // npm start runs every pipeline's worker (and their helpers): the others, idle, use CPU on the same cores, counted beside the pipeline's.
    const beside = (measured.others.launcher ? descendantsOf(measured.others.launcher) : []).filter((pid) => pid !== measured.worker);
    const besideBefore = new Map(beside.map((pid) => [pid, cpuSecondsOrZero(pid)]));
    const cpuBefore = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid ? cpuSeconds(pid) : 0]));
    const host = process.cpuUsage();
    // The baselines use no database; the pipeline's writes cost PostgreSQL's backends CPU on the same cores.
    const postgresBefore = cpuSecondsByPid('postgres');
    const rows = Array.from({ length: files }, (_, i) => `${tag}-${i},Video ${i},${hostUrl}${mediaPath(`${tag}-${i}`, bytes)}`);
    const started = performance.now();
    const { body } = await postCsv(stack, `id,title,video_url\n${rows.join('\n')}\n`, `bench-${tag}`);
    // Waiting on the result rather than polling the API keeps queries off the worker being measured.
    await stack.temporal.workflow.getHandle(body.id).result();
    const seconds = (performance.now() - started) / 1000;
    const cpu = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid ? cpuSeconds(pid) - cpuBefore[name] : 0]));
    cpu['host and API'] = ownCpuSeconds(host);
    cpu.PostgreSQL = cpuSecondsSince('postgres', postgresBefore);
    if (beside.length) cpu["npm start's other processes"] = beside.reduce((sum, pid) => sum + Math.max(0, cpuSecondsOrZero(pid) - besideBefore.get(pid)!), 0);
    const peak = peakRssMb(measured.worker);
    const job = await getJob(stack, body.id);
    if (job.counts.loaded !== files) throw new Error(`only ${job.counts.loaded} of ${files} loaded: ${JSON.stringify(job.counts)}`);
    const chunkSize = stack.config.pipelines.etl.tuning.chunkSize;
    const chunkIds = Array.from({ length: Math.ceil(files / chunkSize) }, (_, i) => `${body.id}-chunk-${i * chunkSize}`);
    const { lines } = await breakdown(stack.temporal, stack.pool, body.id, chunkIds, bytes);
    return { seconds, cpu, peakRssMb: peak, details: lines, worker: worker.kind };
  } finally {
    worker.child.kill('SIGTERM');
    await worker.exited();
    await stack.stop();
    rmSync(stack.config.storage.rootDir, { recursive: true, force: true });
    s3.clear();
  }
}

/** The CPU of a run by process, ms per MB moved. */
function msPerMb(run: Run, megabytes: number): Record<string, number> {
  return Object.fromEntries(Object.entries(run.cpu).map(([name, s]) => [name, (1000 * s) / megabytes]));
}

const sumOf = (cpu: Record<string, number>) => Object.values(cpu).reduce((a, b) => a + b, 0);

/**
 * An estimate of the share of the baselines' throughput a round could reach at best: on cores the
 * baselines keep busy, throughput goes as the inverse of CPU per MB, and the processes only the
 * pipeline runs (the Temporal server, PostgreSQL, the API beside the host, npm start's launcher and
 * other workers) add theirs to the baselines' even if the worker and the store cost no more than the
 * uploader and the store did. An estimate, not a bound: it assumes the baselines keep both cores
 * busy, and a round beats it when they did not, or when a baseline beside it was slowed by
 * something else (4 of 9 rounds with 100 MB files did, none with 10 MB files).
 */
function ceilingPercent(etl: Run, around: Run[], megabytes: number): { percent: number; besideMsPerMb: number } {
  const baselines = around.map((r) => msPerMb(r, megabytes));
  const baselineMsPerMb = baselines.reduce((sum, b) => sum + sumOf(b), 0) / baselines.length;
  const baselineHost = baselines.reduce((sum, b) => sum + (b.host ?? 0), 0) / baselines.length;
  const cpu = msPerMb(etl, megabytes);
  const besideMsPerMb = sumOf(cpu) - (cpu.worker ?? 0) - (cpu.versitygw ?? 0) - Math.min(cpu['host and API'] ?? 0, baselineHost);
  return { percent: (100 * baselineMsPerMb) / (baselineMsPerMb + besideMsPerMb), besideMsPerMb };
}

function describeCpu(run: Run, megabytes: number): string {
  const cpu = msPerMb(run, megabytes);
  return `CPU ${sumOf(cpu).toFixed(1)} ms/MB (${Object.entries(cpu).map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join(', ')})`;
}

interface Size {
  files: number;
  bytes: number;
}

type EtlRun = Run & { details: string[]; worker: string };

interface Measured {
  size: Size;
  plain?: [Run, Run];
  /** ROUNDS + 1 runs: before the first round, between rounds, after the last. */
  durable: Run[];
  etl: EtlRun[];
}

/** Baselines around every round of the pipeline: each round is compared with the two on either side of it. */
async function measure(hostUrl: string, s3: BenchS3, size: Size, withPlain: boolean): Promise<Measured> {
  const run = `${size.bytes}-${Date.now()}`;
  const job = (tag: string): CopyJob => ({ url: hostUrl, files: size.files, bytes: size.bytes, tag: `${tag}-${run}`, concurrency: CONCURRENCY });
  const versitygwCpu = (): Record<string, number> => (s3.pid ? { versitygw: cpuSeconds(s3.pid) } : {});
  const durableRun = async (tag: string) => {
    const result = await runBaseline('durable', { ...job(tag), s3: s3.options }, versitygwCpu);
    s3.clear();
    return result;
  };
  const plainBefore = withPlain ? await runBaseline('plain', job('plain-a')) : undefined;
  const durable = [await durableRun('durable-0')];
  const etl: EtlRun[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    etl.push(await viaEtl(hostUrl, s3, size.files, size.bytes, `etl-${round}-${run}`));
    durable.push(await durableRun(`durable-${round}`));
  }
  const plainAfter = withPlain ? await runBaseline('plain', job('plain-b')) : undefined;
  return { size, plain: plainBefore && plainAfter ? [plainBefore, plainAfter] : undefined, durable, etl };
}

const rate = (seconds: number, size: Size) => `${((size.files * size.bytes) / 1024 / 1024 / seconds).toFixed(0)} MB/s`;

function report(m: Measured, targetPercent: number): void {
  const megabytes = (m.size.files * m.size.bytes) / 1024 / 1024;
  const mb = (m.size.bytes / 1024 / 1024).toFixed(0);
  const link = HOST_BANDWIDTH ? `, host sending ${(HOST_BANDWIDTH / 1024 / 1024).toFixed(1)} MB/s per connection` : '';
  console.log(`\nbench:etl — ${m.size.files} files × ${mb} MB, ${CONCURRENCY} concurrent downloads${link}, ${os.cpus().length} CPUs shared by every process below`);
  const line = (label: string, r: Run) => console.log(`  ${label.padEnd(38)} ${r.seconds.toFixed(1).padStart(6)} s  ${rate(r.seconds, m.size).padStart(9)}  ${describeCpu(r, megabytes)}`);
  const [plainA, plainB] = m.plain ?? [];
  if (plainA) line('plain stream-to-disk (before)', plainA);
  // Each round against the mean of the durable baselines just before and just after it.
  const percents = m.etl.map((etl, i) => (100 * (m.durable[i].seconds + m.durable[i + 1].seconds)) / 2 / etl.seconds);
  line('durable: sha256 + S3 upload', m.durable[0]);
  m.etl.forEach((etl, i) => {
    line(`ETL pipeline, round ${i + 1} of ${m.etl.length}`, etl);
    console.log(`    = ${percents[i].toFixed(0)} % of the durable baselines around it`);
    line('durable: sha256 + S3 upload', m.durable[i + 1]);
  });
  if (plainB) line('plain stream-to-disk (after)', plainB);
  const mid = median(percents);
  const verdict = mid >= targetPercent ? 'met' : 'NOT met';
  console.log(`  = ${mid.toFixed(0)} % of the durable baseline's throughput, the median of ${percents.length} rounds (range ${Math.min(...percents).toFixed(0)}–${Math.max(...percents).toFixed(0)} %; target ≥ ${targetPercent} %: ${verdict})`);
  if (m.plain) {
    const etlSeconds = median(m.etl.map((e) => e.seconds));
    console.log(`  = ${((100 * (m.plain[0].seconds + m.plain[1].seconds)) / 2 / etlSeconds).toFixed(0)} % of the plain copy's throughput (the median round against the copies before and after)`);
  }
  const ceilings = m.etl.map((etl, i) => ceilingPercent(etl, [m.durable[i], m.durable[i + 1]], megabytes));
  console.log(
    `  = about ${median(ceilings.map((c) => c.percent)).toFixed(0)} % at best, estimated (rounds ${Math.min(...ceilings.map((c) => c.percent)).toFixed(0)}–${Math.max(...ceilings.map((c) => c.percent)).toFixed(0)} %) with a worker and store ` +
      `as cheap as the baseline's: the processes only the pipeline runs used ${Math.min(...ceilings.map((c) => c.besideMsPerMb)).toFixed(1)}–${Math.max(...ceilings.map((c) => c.besideMsPerMb)).toFixed(1)} ms/MB of the same cores`,
  );
  // Where the time went, in the median round.
  const shown = m.etl[percents.indexOf(mid)];
  for (const detail of shown.details) console.log(`    ${detail}`);
  const peak = Math.max(...m.etl.map((e) => e.peakRssMb));
  const rss = peak < 250 ? 'met' : 'NOT met';
  console.log(`  worker peak RSS (${shown.worker}), highest of the rounds: ${peak.toFixed(0)} MB (target < 250 MB: ${rss}; the durable baseline's own: ${m.durable[0].peakRssMb.toFixed(0)} MB)`);
}

async function main(): Promise<void> {
  const host = await startSampleVideoHost({ bandwidthBytesPerSecond: HOST_BANDWIDTH });
  const s3 = await startBenchS3();
  try {
    const bytes = Math.round(MB * 1024 * 1024);
    const small = await measure(host.url, s3, { files: FILES, bytes }, true);
    const big = BIG_FILES > 0 ? await measure(host.url, s3, { files: BIG_FILES, bytes: bytes * 10 }, false) : undefined;
    report(small, 85);
    if (big) report(big, 95);
  } finally {
    await s3.stop();
    await host.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
