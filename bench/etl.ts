// `npm run bench:etl`: N files × S MB from the sample video host through the ETL pipeline, against a
// plain undici stream-to-disk copy at the same concurrency, measured in the same run; peak RSS too.
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { Agent, request } from 'undici';
import { mediaPath, startSampleVideoHost } from '../src/devtools/sample-video-host';
import { postCsv, waitForJob } from '../test/support/etl';
import { startTestStack, testConfig } from '../test/support/stack';

const FILES = Number(process.env.BENCH_ETL_FILES ?? 200);
const MB = Number(process.env.BENCH_ETL_MB ?? 10);
const CONCURRENCY = 8;

function sampleRss(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  return { stop: () => (clearInterval(timer), peak) };
}

async function plainCopy(hostUrl: string, files: number, bytes: number, tag: string): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dp-bench-copy-'));
  const agent = new Agent({ connections: CONCURRENCY });
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < files) {
      const i = next++;
      const res = await request(`${hostUrl}${mediaPath(`${tag}-${i}`, bytes)}`, { dispatcher: agent });
      await pipeline(res.body, createWriteStream(path.join(dir, `${i}.mp4`)));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  const seconds = (performance.now() - started) / 1000;
  await agent.close();
  rmSync(dir, { recursive: true, force: true });
  return seconds;
}

async function viaEtl(hostUrl: string, files: number, bytes: number, tag: string): Promise<{ seconds: number; peakRssMb: number }> {
  const stack = await startTestStack({
    // 2 chunks × 4 videos = the copy's 8 concurrent downloads.
    config: testConfig({ FETCH_ALLOW_HOSTS: '127.0.0.1', ETL_CHUNK_SIZE: String(Math.ceil(files / 2)), ETL_CHUNKS_IN_FLIGHT: '2', ETL_VIDEOS_IN_FLIGHT: '4', ETL_CONNECTIONS_PER_HOST: String(CONCURRENCY) }),
    queues: ['etl'],
  });
  try {
    const rss = sampleRss();
    const rows = Array.from({ length: files }, (_, i) => `${tag}-${i},Video ${i},${hostUrl}${mediaPath(`${tag}-${i}`, bytes)}`);
    const started = performance.now();
    const { body } = await postCsv(stack, `id,title,video_url\n${rows.join('\n')}\n`, `bench-${tag}`);
    const job = await waitForJob(stack, body.id, 'COMPLETED', 60 * 60_000);
    const seconds = (performance.now() - started) / 1000;
    if (job.counts.loaded !== files) throw new Error(`only ${job.counts.loaded} of ${files} loaded`);
    return { seconds, peakRssMb: rss.stop() / 1024 / 1024 };
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<void> {
  const host = await startSampleVideoHost();
  try {
    const bytes = MB * 1024 * 1024;
    const copy = await plainCopy(host.url, FILES, bytes, `copy-${Date.now()}`);
    const etl = await viaEtl(host.url, FILES, bytes, `etl-${Date.now()}`);
    const big = await viaEtl(host.url, Math.max(2, Math.round(FILES / 10)), bytes * 10, `big-${Date.now()}`);
    const mbps = (seconds: number, n: number, size: number) => ((n * size) / 1024 / 1024 / seconds).toFixed(0);
    console.log(`\nbench:etl — ${FILES} files × ${MB} MB, ${CONCURRENCY} concurrent downloads`);
    console.log(`  plain undici stream-to-disk   ${copy.toFixed(1)} s  ${mbps(copy, FILES, bytes)} MB/s  (baseline)`);
    console.log(`  ETL pipeline (Temporal)       ${etl.seconds.toFixed(1)} s  ${mbps(etl.seconds, FILES, bytes)} MB/s  = ${((100 * copy) / etl.seconds).toFixed(0)} % of baseline (target ≥ 80 %)`);
    console.log(`  peak RSS, ${MB} MB files          ${etl.peakRssMb.toFixed(0)} MB (API, worker and host in one process; target < 250 MB)`);
    console.log(`  peak RSS, ${MB * 10} MB files         ${big.peakRssMb.toFixed(0)} MB (should stay flat)`);
  } finally {
    await host.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
