// The baselines bench:etl measures the pipeline against, each run by a child process of its own
// beside the sample host, CONCURRENCY lanes of one file at a time:
//  - plain: request → local file, nothing else (no hash, no fsync, no object store);
//  - durable: the work the pipeline must do for each file and nothing more — stream it, sha256 it
//    on the way, upload it to the same S3 store (versitygw) as the pipeline's store does a download
//    of known size (durableCopy), and wait for the completed upload.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Agent, request } from 'undici';
import { mediaPath } from '../devtools/sample-video-host';
import type { S3StoreOptions } from '../src/infra/storage';
import { createS3Client } from '../src/infra/storage/s3-bucket';
import { S3_ATOMIC_PUT_BYTES, S3_PART_BYTES, S3_PART_QUEUE } from '../src/infra/storage/s3-object-store';
import { peakRssMb } from './proc';

export interface CopyJob {
  url: string;
  files: number;
  bytes: number;
  tag: string;
  concurrency: number;
  /** Set for the durable baseline: where to upload. */
  s3?: S3StoreOptions;
}

export interface Run {
  seconds: number;
  /** CPU seconds by process, over the measured interval. */
  cpu: Record<string, number>;
  peakRssMb: number;
}

/** Runs `copyOne` for every file, `concurrency` at a time, and prints the child's figures as JSON. */
async function lanes(job: CopyJob, copyOne: (i: number, res: Readable) => Promise<void>): Promise<void> {
  const agent = new Agent({ connections: job.concurrency });
  try {
    const cpu = process.cpuUsage();
    const started = performance.now();
    let next = 0;
    const lane = async () => {
      while (next < job.files) {
        const i = next++;
        // A connection the host closed under load is tried again, as the pipeline's retries would.
        for (let attempt = 1; ; attempt++) {
          try {
            const res = await request(`${job.url}${mediaPath(`${job.tag}-${i}`, job.bytes)}`, { dispatcher: agent });
            await copyOne(i, res.body);
            break;
          } catch (err) {
            if (attempt >= 3) throw err;
            console.error(`file ${i}, attempt ${attempt}: ${(err as Error).message}; trying again`);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: job.concurrency }, lane));
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    console.log(JSON.stringify({ seconds, cpuSeconds: (used.user + used.system) / 1e6, peakRssMb: peakRssMb(process.pid) }));
  } finally {
    await agent.close();
  }
}

async function plainCopy(job: CopyJob): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dp-bench-copy-'));
  try {
    await lanes(job, (i, body) => pipeline(body, createWriteStream(path.join(dir, `${i}.mp4`))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function* hashing(body: Readable, hash: ReturnType<typeof createHash>): AsyncGenerator<Buffer> {
  for await (const chunk of body) {
    hash.update(chunk as Buffer);
    yield chunk as Buffer;
  }
}

/**
 * Stored as the S3 store stores a download of known size: one streamed PutObject up to
 * S3_ATOMIC_PUT_BYTES, a multipart upload of S3_PART_BYTES parts (lib-storage) above it.
 */
async function durableCopy(job: CopyJob): Promise<void> {
  const s3 = job.s3!;
  const client = createS3Client(s3);
  try {
    await lanes(job, async (i, body) => {
      const hash = createHash('sha256');
      const params = { Bucket: s3.bucket, Key: `${s3.prefix ?? ''}${job.tag}/${i}.mp4`, Body: Readable.from(hashing(body, hash)), ContentType: 'video/mp4' };
      if (job.bytes <= S3_ATOMIC_PUT_BYTES) {
        await client.send(new PutObjectCommand({ ...params, ContentLength: job.bytes }));
      } else {
        await new Upload({ client, params, partSize: S3_PART_BYTES, queueSize: S3_PART_QUEUE }).done();
      }
      hash.digest('hex');
    });
  } finally {
    client.destroy();
  }
}

const ownCpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

/** One baseline in a child process; the host's CPU (this process) is counted beside the child's. */
export async function runBaseline(kind: 'plain' | 'durable', job: CopyJob, extraCpu: () => Record<string, number> = () => ({})): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, `--${kind}`, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const host = process.cpuUsage();
  const before = extraCpu();
  const code = await new Promise((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`the ${kind} baseline exited with ${code}`);
  const after = extraCpu();
  const result = JSON.parse(out.trim().split('\n').pop()!) as { seconds: number; cpuSeconds: number; peakRssMb: number };
  const extra = Object.fromEntries(Object.entries(after).map(([name, s]) => [name, s - (before[name] ?? 0)]));
  return { seconds: result.seconds, cpu: { [kind === 'plain' ? 'copier' : 'uploader']: result.cpuSeconds, host: ownCpuSeconds(host), ...extra }, peakRssMb: result.peakRssMb };
}

if (process.argv[2] === '--plain' || process.argv[2] === '--durable') {
  const job = JSON.parse(process.argv[3]) as CopyJob;
  (process.argv[2] === '--plain' ? plainCopy(job) : durableCopy(job)).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
