import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerInterceptors } from '@temporalio/worker';
import type { Pool } from 'pg';
import { createApp } from '../../src/api/app';
import { loadConfig, type Config } from '../../src/config';
import { createPool } from '../../src/infra/db/pool';
import { createLogger } from '../../src/infra/logger';
import { createMetrics } from '../../src/infra/metrics/registry';
import { createObjectStore } from '../../src/infra/storage';
import { connectTemporalClient, temporalAddress } from '../../src/infra/temporal/client';
import { close, listen } from '../../src/infra/http/server';
import { ANY_PIPELINES, type PipelineName } from '../../src/pipelines';
import { taskQueueVariable } from '../../src/pipelines/definition';
import { installTemporalRuntime, startWorkers, type RunningWorkers } from '../../src/stack/workers';

/**
 * The production wiring, in-process, against the run's real Temporal server and database
 * (started by `npm test`). Every registered pipeline's task queue (and what is named after it,
 * such as schedules) gets a per-stack suffix, so test files never steal each other's tasks.
 */
export interface TestStack {
  config: Config;
  pool: Pool;
  /** The workers' own pool (application_name dp-test-worker), so tests can break its connections. */
  workerPool: Pool;
  temporal: Client;
  apiUrl: string;
  workers?: RunningWorkers;
  stop(): Promise<void>;
}

export function testConfig(env: Record<string, string> = {}): Config {
  const suffix = randomUUID().slice(0, 8);
  return loadConfig({
    ...process.env,
    ...Object.fromEntries(ANY_PIPELINES.map((p) => [taskQueueVariable(p), `${p.name}-${suffix}`])),
    STORAGE_DIR: path.join(os.tmpdir(), `dp-objects-${suffix}`),
    // Nothing listens here: tests that talk to a vendor start a fake one and pass its URL.
    STT_VENDOR_URL: 'http://127.0.0.1:9',
    ...env,
  });
}

export interface TestStackOptions {
  config?: Config;
  /** Pipelines whose workers run in-process (default: all); false for none. */
  queues?: readonly PipelineName[] | false;
  interceptors?: WorkerInterceptors;
}

export async function startTestStack(opts: TestStackOptions = {}): Promise<TestStack> {
  const config = opts.config ?? testConfig();
  const logger = createLogger(config.logLevel, 'test');
  const metrics = createMetrics();
  const pool = createPool(config, 'dp-test');
  const workerPool = createPool(config, 'dp-test-worker');
  const temporal = await connectTemporalClient(config);
  // One database per test run, but each test starts its own fake vendor with its own speed: how
  // long an earlier file's vendor jobs took must not time this test's first polls.
  await pool.query(`UPDATE stt_jobs SET vendor_done_at = NULL WHERE vendor_done_at IS NOT NULL`);
  let workers: RunningWorkers | undefined;
  if (opts.queues !== false) {
    await installTemporalRuntime(metrics, logger);
    const served = ANY_PIPELINES.filter((p) => !opts.queues || opts.queues.includes(p.name));
    workers = await startWorkers({ config, pool: workerPool, logger }, served, { interceptors: opts.interceptors });
  }
  const store = createObjectStore(config.storage);
  const server: http.Server = await listen(createApp({ config, pool, temporal, metrics, logger, store }), '127.0.0.1', 0, 'API_PORT');
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    config,
    pool,
    workerPool,
    temporal,
    apiUrl,
    workers,
    async stop() {
      await close(server);
      await workers?.shutdown();
      await temporal.connection.close();
      await pool.end();
      await workerPool.end();
    },
  };
}

/**
 * A worker of the real workflow bundle on one of the stack's task queues, with only the activities
 * a test gives it (none: it polls no activity tasks), for tests that decide what the activities do
 * or when the workers go away.
 */
export async function startBundleWorker(stack: TestStack, taskQueue: string, activities?: object): Promise<{ stop(): Promise<void> }> {
  await installTemporalRuntime(createMetrics(), createLogger('warn', 'test'));
  const connection = await NativeConnection.connect({ address: temporalAddress(stack.config) });
  const worker = await Worker.create({ connection, taskQueue, workflowBundle: { codePath: stack.config.worker.workflowBundlePath! }, activities });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
