// `npm run bench:etl`: N files × S MB from the sample video host through the ETL pipeline, against a
// plain undici stream-to-disk copy at the same concurrency, measured in the same run (before and
// after the pipeline, so drift on a shared machine shows); then the worker's peak RSS at S MB and
// at 10 × S MB files. The copy and the worker each run in a process of their own beside the host,
// RSS is the worker process's own high-water mark (VmHWM), and CPU seconds are counted per process
// so the comparison says where the cycles went (Linux /proc).
// Knobs: BENCH_ETL_FILES (200), BENCH_ETL_MB (10), BENCH_ETL_BIG_FILES (20), BENCH_ETL_WORKER (tsx),
// BENCH_ETL_HOST_BANDWIDTH (bytes/s per connection; unset = unthrottled loopback, where both sides are
// CPU-bound, while a throttled host makes the link the bottleneck, as on a real network).
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { Agent, request } from 'undici';
import { mediaPath, startSampleVideoHost } from '../devtools/sample-video-host';
import { findFreePort } from '../src/infra/net';
import { getJob, postCsv } from '../test/support/etl';
import { startTestStack, testConfig, waitUntil } from '../test/support/stack';
import { breakdown } from './etl-history';
import { cpuSeconds, peakRssMb, startEtlWorker, temporalServerPid } from './etl-processes';

const FILES = Number(process.env.BENCH_ETL_FILES ?? 200);
const MB = Number(process.env.BENCH_ETL_MB ?? 10);
const BIG_FILES = Number(process.env.BENCH_ETL_BIG_FILES ?? 20);
const CONCURRENCY = 8;
const HOST_BANDWIDTH = Number(process.env.BENCH_ETL_HOST_BANDWIDTH ?? 0);

interface CopyJob {
  url: string;
  files: number;
  bytes: number;
  tag: string;
}

interface Run {
  seconds: number;
  /** CPU seconds by process, over the measured interval. */
  cpu: Record<string, number>;
  peakRssMb: number;
}

/** The baseline, run by a child process: CONCURRENCY lanes of request → file, nothing else. */
async function copyFiles(job: CopyJob): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dp-bench-copy-'));
  const agent = new Agent({ connections: CONCURRENCY });
  try {
    const cpu = process.cpuUsage();
    const started = performance.now();
    let next = 0;
    const lane = async () => {
      while (next < job.files) {
        const i = next++;
        const res = await request(`${job.url}${mediaPath(`${job.tag}-${i}`, job.bytes)}`, { dispatcher: agent });
        await pipeline(res.body, createWriteStream(path.join(dir, `${i}.mp4`)));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    console.log(JSON.stringify({ seconds, cpuSeconds: (used.user + used.system) / 1e6, peakRssMb: peakRssMb(process.pid) }));
  } finally {
    await agent.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const ownCpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

async function plainCopy(job: CopyJob): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--copy', JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const host = process.cpuUsage();
  const code = await new Promise((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`the copy exited with ${code}`);
  const result = JSON.parse(out.trim().split('\n').pop()!) as { seconds: number; cpuSeconds: number; peakRssMb: number };
  return { seconds: result.seconds, cpu: { copier: result.cpuSeconds, host: ownCpuSeconds(host) }, peakRssMb: result.peakRssMb };
}

async function viaEtl(hostUrl: string, files: number, bytes: number, tag: string): Promise<Run & { details: string[]; worker: string }> {
  const env = {
    FETCH_ALLOW_HOSTS: '127.0.0.1:*',
    // The worker downloads CONCURRENCY files at once, like the copy (ETL_CONNECTIONS_PER_HOST). Its
    // chunk keeps twice as many transfers in flight, so the next one waits at the worker while one
    // runs, and twice as many lanes again probe and load around them: activity slots for those.
    ETL_VIDEOS_IN_FLIGHT: String(2 * CONCURRENCY),
    ETL_CONNECTIONS_PER_HOST: String(CONCURRENCY),
    ETL_MAX_ACTIVITIES: String(4 * CONCURRENCY),
    WORKER_METRICS_PORT: String(await findFreePort()),
    LOG_LEVEL: 'info',
  };
  const stack = await startTestStack({ config: testConfig(env), queues: false });
  const worker = startEtlWorker(stack.config, { ...env, STORAGE_DIR: stack.config.storage.rootDir });
  try {
    await waitUntil('the worker to poll', async () => worker.output().includes('workers polling'), 120_000);
    const pids = { worker: worker.child.pid!, 'Temporal server': temporalServerPid() };
    const cpuBefore = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid ? cpuSeconds(pid) : 0]));
    const host = process.cpuUsage();
    const rows = Array.from({ length: files }, (_, i) => `${tag}-${i},Video ${i},${hostUrl}${mediaPath(`${tag}-${i}`, bytes)}`);
    const started = performance.now();
    const { body } = await postCsv(stack, `id,title,video_url\n${rows.join('\n')}\n`, `bench-${tag}`);
    // Waiting on the result rather than polling the API keeps queries off the worker being measured.
    await stack.temporal.workflow.getHandle(body.id).result();
    const seconds = (performance.now() - started) / 1000;
    const cpu = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid ? cpuSeconds(pid) - cpuBefore[name] : 0]));
    cpu['host and API'] = ownCpuSeconds(host);
    const peak = peakRssMb(worker.child.pid!);
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
  }
}

function describeCpu(run: Run, megabytes: number): string {
  const perMb = (s: number) => ((1000 * s) / megabytes).toFixed(1);
  const total = Object.values(run.cpu).reduce((a, b) => a + b, 0);
  return `CPU ${perMb(total)} ms/MB (${Object.entries(run.cpu).map(([name, s]) => `${name} ${perMb(s)}`).join(', ')})`;
}

async function main(): Promise<void> {
  const host = await startSampleVideoHost({ bandwidthBytesPerSecond: HOST_BANDWIDTH });
  try {
    const bytes = Math.round(MB * 1024 * 1024);
    const megabytes = (FILES * bytes) / 1024 / 1024;
    const run = Date.now();
    const before = await plainCopy({ url: host.url, files: FILES, bytes, tag: `copy-a-${run}` });
    const etl = await viaEtl(host.url, FILES, bytes, `etl-${run}`);
    const afterwards = await plainCopy({ url: host.url, files: FILES, bytes, tag: `copy-b-${run}` });
    const big = await viaEtl(host.url, BIG_FILES, bytes * 10, `big-${run}`);
    const baseline = (before.seconds + afterwards.seconds) / 2;
    const rate = (seconds: number, n: number, size: number) => `${((n * size) / 1024 / 1024 / seconds).toFixed(0)} MB/s`;
    const link = HOST_BANDWIDTH ? `, host sending ${(HOST_BANDWIDTH / 1024 / 1024).toFixed(1)} MB/s per connection` : '';
    console.log(`\nbench:etl — ${FILES} files × ${MB} MB, ${CONCURRENCY} concurrent downloads${link}, ${os.cpus().length} CPUs shared by every process below`);
    for (const [when, copy] of [['before', before], ['after', afterwards]] as const) {
      console.log(`  plain undici stream-to-disk (${when.padEnd(6)})  ${copy.seconds.toFixed(1)} s  ${rate(copy.seconds, FILES, bytes)}  ${describeCpu(copy, megabytes)}`);
    }
    console.log(`  ETL pipeline (Temporal)               ${etl.seconds.toFixed(1)} s  ${rate(etl.seconds, FILES, bytes)}  ${describeCpu(etl, megabytes)}`);
    console.log(`    = ${((100 * baseline) / etl.seconds).toFixed(0)} % of the copy's throughput (mean of both copies; target ≥ 80 %)`);
    for (const line of etl.details) console.log(`    ${line}`);
    console.log(`  worker peak RSS (${etl.worker}), ${FILES} × ${MB} MB files: ${etl.peakRssMb.toFixed(0)} MB (target < 250 MB; the copy's own: ${before.peakRssMb.toFixed(0)} MB)`);
    console.log(`  worker peak RSS (${big.worker}), ${BIG_FILES} × ${MB * 10} MB files: ${big.peakRssMb.toFixed(0)} MB (${big.seconds.toFixed(1)} s, ${rate(big.seconds, BIG_FILES, bytes * 10)}; should stay flat)`);
  } finally {
    await host.stop();
  }
}

if (process.argv[2] === '--copy') {
  copyFiles(JSON.parse(process.argv[3]) as CopyJob).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
