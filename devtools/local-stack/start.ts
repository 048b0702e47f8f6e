// `npm start`: the whole system on one machine — Temporal, PostgreSQL, workers for every queue and the API.
// The API and the stand-ins run in this process; the workers in a child of their own (worker-child.ts).
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config';
import { assertDatabaseReachable } from '../../src/infra/db/check';
import { createPool } from '../../src/infra/db/pool';
import { createLogger, type Logger } from '../../src/infra/logger';
import { createMetrics } from '../../src/infra/metrics/registry';
import { startApiHost } from '../../src/stack/api-host';
import { startLocalServices } from './local-services';
import { startWorkerChildren } from './worker-child';
import { cachedWorkflowBundlePath } from '../../src/stack/workflow-bundle';
import { ANY_PIPELINES } from '../../src/pipelines';
import { prepareDatabase } from '../../src/stack/prepare-database';
import { onShutdownSignal, runMain } from '../../src/bin/run-main';

/** Schema and first-start data, before the API and workers start. */
async function prepare(config: Config, logger: Logger): Promise<void> {
  const pool = createPool(config, 'dp-launcher');
  try {
    await assertDatabaseReachable(pool, config.postgres.url ?? '');
    await prepareDatabase(pool, config, (msg) => logger.info(msg));
  } finally {
    await pool.end();
  }
}

runMain(async () => {
  const startedAt = Date.now();
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'launcher');
  const metrics = createMetrics();

  const services = await startLocalServices(config, logger);
  const stopAll: Array<() => Promise<void>> = [services.stop];
  const stop = async () => {
    for (const fn of stopAll.splice(0).reverse()) await fn();
  };
  try {
    await prepare(services.config, logger);
    // The API first: a taken API_PORT then fails before any worker has started.
    const api = await startApiHost(services.config, createLogger(config.logLevel, 'api'), metrics);
    stopAll.push(api.stop);
    // Bundled here, once: a worker that bundles keeps the bundler's heap for good, six times over.
    const bundle = services.config.worker.workflowBundlePath ?? (await cachedWorkflowBundlePath(path.join(services.config.dataDir, 'cache')));
    // Their log lines are JSON like ours, already named 'worker': passed through as they come.
    const workerEnv = { ...services.env, WORKFLOW_BUNDLE_PATH: bundle };
    const workers = await startWorkerChildren(ANY_PIPELINES.map((p) => p.name), workerEnv, logger, (line) => console.log(line));
    stopAll.push(workers.stop);
    onShutdownSignal(stop);

    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    console.log(
      [
        '',
        `durable-pipelines is up (${seconds} s)`,
        `  Console        ${api.url}/`,
        `  API            ${api.url}   (OpenAPI: ${api.url}/openapi.json, metrics: ${api.url}/metrics)`,
        `  Temporal UI    ${services.config.temporal.uiUrl}`,
        `  Temporal gRPC  ${services.config.temporal.address}`,
        ...services.devServices.map((s) => `  ${s.label.padEnd(15)}${s.hint}`),
        `  Task queues    ${ANY_PIPELINES.map((p) => services.config.pipelines[p.name].queue.taskQueue).join(', ')}`,
        '  Workers        one process per queue:',
        ...workers.children.map((w) => `    ${w.queue.padEnd(13)}process ${w.pid()}, metrics ${w.metricsUrl()}`),
        'Press Ctrl-C to stop everything.',
        '',
      ].join('\n'),
    );
    // An API whose runs never move would be worse than no stack: say so and stop.
    const failure = await workers.failed;
    await stop();
    console.error(`error: ${failure}`);
    process.exit(1);
  } catch (err) {
    await stop();
    throw err;
  }
});
