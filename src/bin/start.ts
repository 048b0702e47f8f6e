// `npm start`: the whole system on one machine — Temporal, PostgreSQL, workers for every queue and the API.
import { loadConfig } from '../config';
import { createLogger } from '../infra/logger';
import { createMetrics } from '../infra/metrics/registry';
import { startApiHost } from '../stack/api-host';
import { startLocalServices } from '../stack/local-services';
import { startWorkerHost } from '../stack/worker-host';
import { QUEUE_NAMES } from '../config';
import { onShutdownSignal, runMain } from './run-main';

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
    const workers = await startWorkerHost(services.config, logger.child({ component: 'worker' }), metrics, QUEUE_NAMES);
    stopAll.push(workers.stop);
    const api = await startApiHost(services.config, logger.child({ component: 'api' }), metrics);
    stopAll.push(api.stop);
    onShutdownSignal(stop);

    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    console.log(
      [
        '',
        `durable-pipelines is up (${seconds} s)`,
        `  API            ${api.url}   (OpenAPI: ${api.url}/openapi.json, metrics: ${api.url}/metrics)`,
        `  Temporal UI    ${services.config.temporal.uiUrl}`,
        `  Temporal gRPC  ${services.config.temporal.address}`,
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
