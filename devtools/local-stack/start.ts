// `npm start`: the whole system on one machine — Temporal, PostgreSQL, workers for every queue and the API.
import { loadConfig, QUEUE_NAMES, type Config } from '../../src/config';
import { assertDatabaseReachable } from '../../src/infra/db/check';
import { migrate } from '../../src/infra/db/migrate';
import { createPool } from '../../src/infra/db/pool';
import { createLogger, type Logger } from '../../src/infra/logger';
import { createMetrics } from '../../src/infra/metrics/registry';
import { startApiHost } from '../../src/stack/api-host';
import { startLocalServices } from './local-services';
import { startWorkerHost } from '../../src/stack/worker-host';
import { ensureReferenceData } from '../../src/infra/risk/reference-data/ensure';
import { onShutdownSignal, runMain } from '../../src/bin/run-main';

/** Schema first, then the climate reference data when the tables are empty (first start only). */
async function prepareDatabase(config: Config, logger: Logger): Promise<void> {
  const pool = createPool(config, 'dp-launcher');
  try {
    await assertDatabaseReachable(pool, config.postgres.url ?? '');
    await migrate(pool);
    await ensureReferenceData(pool, config.referenceData, (msg) => logger.info(msg));
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
    for (const fn of stopAll.reverse()) await fn();
  };
  try {
    await prepareDatabase(services.config, logger);
    // The API first: a taken API_PORT then fails before any worker has started.
    const api = await startApiHost(services.config, logger.child({ component: 'api' }), metrics);
    stopAll.push(api.stop);
    const workers = await startWorkerHost(services.config, logger.child({ component: 'worker' }), metrics, QUEUE_NAMES);
    stopAll.push(workers.stop);
    onShutdownSignal(stop);

    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    console.log(
      [
        '',
        `durable-pipelines is up (${seconds} s)`,
        `  API            ${api.url}   (OpenAPI: ${api.url}/openapi.json, metrics: ${api.url}/metrics)`,
        `  Temporal UI    ${services.config.temporal.uiUrl}`,
        `  Temporal gRPC  ${services.config.temporal.address}`,
        `  STT vendor     ${services.config.stt.vendorUrl}${config.stt.vendorUrl ? '' : ' (fake vendor, dev tool)'}`,
        `  Sample videos  ${services.sampleVideoHostUrl}/media/demo.mp4?size=1000000 (dev tool; .asx at /playlists/…)`,
        `  Task queues    ${QUEUE_NAMES.map((q) => services.config.queues[q].taskQueue).join(', ')}`,
        'Press Ctrl-C to stop everything.',
        '',
      ].join('\n'),
    );
    await workers.done;
  } catch (err) {
    await stop();
    throw err;
  }
});
