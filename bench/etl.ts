// `npm run bench:etl`: N files × S MB from the sample video host through the ETL pipeline, against a
// plain undici stream-to-disk copy at the same concurrency, measured in the same run; then the
// worker's peak RSS at S MB and at 10 × S MB files. The copy and the worker each run in a process
// of their own beside the host (so neither shares the host's thread), and RSS is the worker
// process's own high-water mark (VmHWM), not this process's.
// Knobs: BENCH_ETL_FILES (200), BENCH_ETL_MB (10), BENCH_ETL_BIG_FILES (20).
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { Agent, request } from 'undici';
import { mediaPath, startSampleVideoHost } from '../src/devtools/sample-video-host';
import { findFreePort } from '../src/infra/net';
import { getJob, postCsv } from '../test/support/etl';
import { startTestStack, testConfig, waitUntil } from '../test/support/stack';
import { spawnWorker } from '../test/support/worker-process';
import { breakdown } from './etl-history';

const FILES = Number(process.env.BENCH_ETL_FILES ?? 200);
const MB = Number(process.env.BENCH_ETL_MB ?? 10);
const BIG_FILES = Number(process.env.BENCH_ETL_BIG_FILES ?? 20);
const CONCURRENCY = 8;
const CHUNKS = 2;

/** The peak resident set of a process so far, in MB (Linux). */
function peakRssMb(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmHWM for process ${pid}`);
  return Number(match[1]) / 1024;
}

interface CopyJob {
  url: string;
  files: number;
  bytes: number;
  tag: string;
}

/** The baseline, run by a child process: CONCURRENCY lanes of request → file, nothing else. */
async function copyFiles(job: CopyJob): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dp-bench-copy-'));
  const agent = new Agent({ connections: CONCURRENCY });
  try {
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
    console.log(JSON.stringify({ seconds, peakRssMb: peakRssMb(process.pid) }));
  } finally {
    await agent.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function plainCopy(job: CopyJob): Promise<{ seconds: number; peakRssMb: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--copy', JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`the copy exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop()!);
}

interface EtlRun {
  seconds: number;
  peakRssMb: number;
  details: string[];
}

async function viaEtl(hostUrl: string, files: number, bytes: number, tag: string): Promise<EtlRun> {
  const env = {
    FETCH_ALLOW_HOSTS: '127.0.0.1',
    // The worker downloads CONCURRENCY files at once, like the copy (ETL_CONNECTIONS_PER_HOST). The
    // chunks keep twice as many transfers in flight, so the next one waits at the worker while one
    // runs, and as many lanes again probe and load around them: activity slots for all of those.
    ETL_CHUNK_SIZE: String(Math.ceil(files / CHUNKS)),
    ETL_CHUNKS_IN_FLIGHT: String(CHUNKS),
    ETL_VIDEOS_IN_FLIGHT: String((2 * CONCURRENCY) / CHUNKS),
    ETL_CONNECTIONS_PER_HOST: String(CONCURRENCY),
    ETL_MAX_ACTIVITIES: String(4 * CONCURRENCY),
    WORKER_METRICS_PORT: String(await findFreePort()),
    LOG_LEVEL: 'info',
    ...(process.env.BENCH_WORKER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS } : {}),
  };
  const stack = await startTestStack({ config: testConfig(env), queues: false });
  const worker = spawnWorker(stack.config, ['--queue', 'etl'], { ...env, STORAGE_DIR: stack.config.storage.rootDir });
  try {
    await waitUntil('the worker to poll', async () => worker.output().includes('workers polling'), 120_000);
    const rows = Array.from({ length: files }, (_, i) => `${tag}-${i},Video ${i},${hostUrl}${mediaPath(`${tag}-${i}`, bytes)}`);
    const started = performance.now();
    const { body } = await postCsv(stack, `id,title,video_url\n${rows.join('\n')}\n`, `bench-${tag}`);
    // Waiting on the result rather than polling the API keeps queries off the worker being measured.
    await stack.temporal.workflow.getHandle(body.id).result();
    const seconds = (performance.now() - started) / 1000;
    const peak = peakRssMb(worker.child.pid!);
    if (process.env.BENCH_DUMP_METRICS) require('node:fs').writeFileSync(`/tmp/wprof/metrics-${tag}.txt`, await (await fetch(`http://127.0.0.1:${env.WORKER_METRICS_PORT}/metrics`)).text());
    const job = await getJob(stack, body.id);
    if (job.counts.loaded !== files) throw new Error(`only ${job.counts.loaded} of ${files} loaded: ${JSON.stringify(job.counts)}`);
    const chunkIds = Array.from({ length: Math.ceil(files / Number(env.ETL_CHUNK_SIZE)) }, (_, i) => `${body.id}-chunk-${i * Number(env.ETL_CHUNK_SIZE)}`);
    const { lines } = await breakdown(stack.temporal, stack.pool, body.id, chunkIds, bytes);
    return { seconds, peakRssMb: peak, details: lines };
  } finally {
    worker.child.kill('SIGTERM');
    await worker.exited();
    await stack.stop();
    rmSync(stack.config.storage.rootDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const host = await startSampleVideoHost();
  try {
    const bytes = Math.round(MB * 1024 * 1024);
    const run = Date.now();
    const copy = await plainCopy({ url: host.url, files: FILES, bytes, tag: `copy-${run}` });
    const etl = await viaEtl(host.url, FILES, bytes, `etl-${run}`);
    const big = await viaEtl(host.url, BIG_FILES, bytes * 10, `big-${run}`);
    const mbps = (seconds: number, n: number, size: number) => ((n * size) / 1024 / 1024 / seconds).toFixed(0);
    console.log(`\nbench:etl — ${FILES} files × ${MB} MB, ${CONCURRENCY} concurrent downloads`);
    console.log(`  plain undici stream-to-disk   ${copy.seconds.toFixed(1)} s  ${mbps(copy.seconds, FILES, bytes)} MB/s  (baseline; its peak RSS ${copy.peakRssMb.toFixed(0)} MB)`);
    console.log(
      `  ETL pipeline (Temporal)       ${etl.seconds.toFixed(1)} s  ${mbps(etl.seconds, FILES, bytes)} MB/s  = ${((100 * copy.seconds) / etl.seconds).toFixed(0)} % of baseline (target ≥ 80 %)`,
    );
    for (const line of etl.details) console.log(`    ${line}`);
    console.log(`  worker peak RSS, ${FILES} × ${MB} MB files     ${etl.peakRssMb.toFixed(0)} MB (target < 250 MB)`);
    console.log(`  worker peak RSS, ${BIG_FILES} × ${MB * 10} MB files     ${big.peakRssMb.toFixed(0)} MB (${big.seconds.toFixed(1)} s, ${mbps(big.seconds, BIG_FILES, bytes * 10)} MB/s; should stay flat)`);
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
