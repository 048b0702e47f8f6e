// A worker process: `npm run worker -- --queue risk` (repeatable); all queues when none is named.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, QUEUE_NAMES, type QueueName } from '../config';
import { createLogger } from '../infra/logger';
import { createMetrics } from '../infra/metrics/registry';
import { close, listen } from '../infra/http/server';
import { startWorkerHost } from '../stack/worker-host';
import { onShutdownSignal, runMain } from './run-main';

function queuesFromArgs(): QueueName[] {
  const { values } = parseArgs({ options: { queue: { type: 'string', multiple: true } } });
  const named = (values.queue ?? []).flatMap((q) => q.split(',')).map((q) => q.trim());
  for (const q of named) {
    if (!QUEUE_NAMES.includes(q as QueueName)) throw new ConfigError(`--queue: unknown queue "${q}" (expected ${QUEUE_NAMES.join(', ')})`);
  }
  return named.length > 0 ? [...new Set(named as QueueName[])] : [...QUEUE_NAMES];
}

runMain(async () => {
  const config = loadConfig();
  const queues = queuesFromArgs();
  if (!config.postgres.url) throw new ConfigError('DATABASE_URL: required for a standalone worker (`npm start` starts PostgreSQL for you)');
  const logger = createLogger(config.logLevel, 'worker');
  const metrics = createMetrics();
  const host = await startWorkerHost(config, logger, metrics, queues);
  const metricsServer = await listen(
    async (req, res) => {
      if (req.url !== '/metrics') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(await metrics.render());
    },
    '0.0.0.0',
    config.worker.metricsPort,
    'WORKER_METRICS_PORT',
  );
  onShutdownSignal(async () => {
    await host.stop();
    await close(metricsServer);
  }, logger);
  await host.done;
  await close(metricsServer);
});
