// The object store bench:etl writes to: versitygw (the S3 gateway the project builds into
// .tools/bin) over a directory of its own, shared by the pipeline and the durable baseline.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config';
import type { S3StoreOptions } from '../src/infra/storage';
import { findVersitygw, startVersitygw } from '../test/support/versitygw';
import { waitUntil } from '../test/support/stack';

export interface BenchS3 {
  options: S3StoreOptions;
  /** The same, as the variables a worker reads. */
  env: Record<string, string>;
  pid: number | undefined;
  /** Removes every object, so runs do not fill the disk. */
  clear(): void;
  stop(): Promise<void>;
}

function pidListeningOn(port: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (path.basename(args[0]) === 'versitygw' && args.includes(`127.0.0.1:${port}`)) return Number(entry);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return undefined;
}

export async function startBenchS3(): Promise<BenchS3> {
  const toolsDir = loadConfig().toolsDir;
  // The binary may still be building (the tools are built in the background on a fresh machine).
  const binary = await waitUntil('versitygw in .tools/bin', async () => findVersitygw(toolsDir), 60 * 60_000);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dp-bench-s3-'));
  const server = await startVersitygw(binary, dataDir, 'bench');
  const options: S3StoreOptions = { bucket: server.bucket, region: 'us-east-1', endpoint: server.endpoint, forcePathStyle: true, credentials: server.credentials };
  return {
    options,
    env: {
      STORAGE_BACKEND: 's3',
      S3_ENDPOINT: server.endpoint,
      S3_BUCKET: server.bucket,
      S3_REGION: 'us-east-1',
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: server.credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
    },
    pid: pidListeningOn(new URL(server.endpoint).port),
    clear() {
      const bucketDir = path.join(dataDir, server.bucket);
      for (const entry of readdirSync(bucketDir)) rmSync(path.join(bucketDir, entry), { recursive: true, force: true });
    },
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
