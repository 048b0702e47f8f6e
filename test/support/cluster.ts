import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import { startCluster, type Cluster } from '../../devtools/cluster/cluster';
import { dropTemporalDatabases, temporalDatabaseEnv } from '../../devtools/cluster/temporal-database';
import { startSampleVideoHost, type SampleVideoHost } from '../../devtools/sample-video-host';
import { loadConfig, type Config } from '../../src/config';
import { createPool } from '../../src/infra/db/pool';
import { findFreePort } from '../../src/infra/net';
import { startFakeSttVendor, type FakeVendor } from './stt';

/** The vendor account the cluster's STT workers share: three jobs at once. */
export const ACCOUNT_LIMIT = 3;

/**
 * The production topology (devtools/cluster) for one test file: its own Temporal server on
 * databases of its own on the run's PostgreSQL server, the Web UI, two API processes and two
 * worker processes per queue, plus the fake STT vendor and the sample video host in this process.
 */
export interface TestCluster {
  cluster: Cluster;
  /** The settings every process of the cluster was started with. */
  config: Config;
  pool: Pool;
  vendor: FakeVendor;
  host: SampleVideoHost;
  /** API process `i % 2`, so callers alternate between them by counting. */
  api(i: number): { apiUrl: string };
  /** Seconds from nothing to every process ready. */
  startupSeconds: number;
  /** Lines the processes printed (the harness runs them at LOG_LEVEL=warn), newest last. */
  output(): string[];
  stop(): Promise<void>;
}

export async function startTestCluster(): Promise<TestCluster> {
  const started = Date.now();
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('DATABASE_URL is unset: run this through `npm test`');
  const run = `${Date.now()}_${process.pid}`;
  const temporalDb = temporalDatabaseEnv(serverUrl, {}, { DBNAME: `temporal_${run}`, VISIBILITY_DBNAME: `temporal_visibility_${run}` });
  const storageDir = mkdtempSync(path.join(os.tmpdir(), 'dp-cluster-objects-'));
  const vendor = await startFakeSttVendor({ processingMs: 1_500, maxConcurrentJobs: ACCOUNT_LIMIT, seed: 14 });
  // Slow enough that a 100-video job is still running when a worker is killed.
  const host = await startSampleVideoHost({ latencyMs: 100, bandwidthBytesPerSecond: 400_000 });
  const env: Record<string, string> = {
    STORAGE_DIR: storageDir,
    STT_VENDOR_URL: vendor.url,
    STT_MAX_IN_FLIGHT: String(ACCOUNT_LIMIT),
    STT_POLL_INTERVAL_MS: '300',
    STT_BACKOFF_BASE_MS: '500',
    FETCH_ALLOW_HOSTS: '127.0.0.1:*',
    ETL_VIDEOS_IN_FLIGHT: '8',
    // A killed worker's site groups move to the other worker after 3 s without a heartbeat.
    RISK_HEARTBEAT_TIMEOUT_S: '3',
    TEMPORAL_PORT: String(await findFreePort()),
    TEMPORAL_UI_PORT: String(await findFreePort()),
  };
  const config = loadConfig({ ...process.env, ...env });
  const lines: string[] = [];
  const keep = (line: string) => {
    lines.push(line);
    if (lines.length > 400) lines.shift();
  };
  let cluster: Cluster;
  try {
    cluster = await startCluster({
      config,
      temporalDb,
      internalPorts: 'free',
      apiPorts: [await findFreePort(), await findFreePort()],
      workersPerQueue: 2,
      ui: true,
      appEnv: env,
      log: (msg) => console.log(`[cluster] ${msg}`),
      onOutput: (source, line) => keep(`[${source}] ${line}`),
      onUnexpectedExit: (name, code, signal) => {
        keep(`[cluster] ${name} exited (code ${code}, signal ${signal})`);
        // A test's SIGKILL is expected; any other death is a crash, and its last words explain the failures that follow.
        if (signal !== 'SIGKILL') console.error([`[cluster] ${name} died on its own (code ${code}, signal ${signal}); its last output:`, ...lines.filter((l) => l.startsWith(`[${name}]`)).slice(-40)].join('\n'));
      },
    });
  } catch (err) {
    await Promise.allSettled([vendor.stop(), host.stop(), dropTemporalDatabases(temporalDb)]);
    rmSync(storageDir, { recursive: true, force: true });
    console.error(lines.slice(-60).join('\n'));
    throw err;
  }
  const pool = createPool(config, 'dp-cluster-test');
  return {
    cluster,
    config,
    pool,
    vendor,
    host,
    api: (i) => ({ apiUrl: cluster.apiUrls[i % cluster.apiUrls.length] }),
    startupSeconds: (Date.now() - started) / 1000,
    output: () => [...lines],
    async stop() {
      await cluster.stop();
      await pool.end();
      await Promise.allSettled([vendor.stop(), host.stop()]);
      await dropTemporalDatabases(temporalDb);
      rmSync(storageDir, { recursive: true, force: true });
    },
  };
}
