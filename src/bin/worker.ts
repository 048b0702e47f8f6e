// A worker process: `npm run worker -- --queue risk` (repeatable; a pipeline's name); every pipeline when none is named.
// `--supervised`: started by a parent that stops it with SIGTERM (npm start's launcher); SIGINT and
// SIGHUP, which a terminal sends the whole process group, are then the parent's to act on.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { ANY_PIPELINES, PIPELINE_NAMES, type AnyPipeline } from '../pipelines';
import { createLogger } from '../infra/logger';
import { createMetrics } from '../infra/metrics/registry';
import { close, listen } from '../infra/http/server';
import { startWorkerHost } from '../stack/worker-host';
import { onShutdownSignal, runMain } from './run-main';

function parseCommandLine(): { pipelines: AnyPipeline[]; supervised: boolean } {
  const { values } = parseArgs({ options: { queue: { type: 'string', multiple: true }, supervised: { type: 'boolean', default: false } } });
  const named = new Set((values.queue ?? []).flatMap((q) => q.split(',')).map((q) => q.trim()));
  for (const name of named) {
    if (!PIPELINE_NAMES.includes(name as never)) throw new ConfigError(`--queue: unknown queue "${name}" (expected ${PIPELINE_NAMES.join(', ')})`);
  }
  return { pipelines: ANY_PIPELINES.filter((p) => named.size === 0 || named.has(p.name)), supervised: values.supervised };
}

runMain(async () => {
  const config = loadConfig();
  const { pipelines, supervised } = parseCommandLine();
  // Node's default for these is to exit: a supervised worker hears them and carries on.
  if (supervised) for (const signal of ['SIGINT', 'SIGHUP'] as const) process.on(signal, () => undefined);
  if (!config.postgres.url) throw new ConfigError('DATABASE_URL: required for a standalone worker (`npm start` starts PostgreSQL for you)');
  const logger = createLogger(config.logLevel, 'worker');
  const metrics = createMetrics();
  const host = await startWorkerHost(config, logger, metrics, pipelines);
  const metricsServer = await listen(
    async (req, res) => {
      // Listening only once its workers poll, so an answer here means ready; the pid tells a supervisor
      // this process answered, not another one that took the port it was given.
      if (req.url === '/readyz') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ready', pid: process.pid }));
      if (req.url !== '/metrics') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(await metrics.render());
    },
    '0.0.0.0',
    config.worker.metricsPort,
    'WORKER_METRICS_PORT',
  );
  onShutdownSignal(
    async () => {
      await host.stop();
      await close(metricsServer);
    },
    logger,
    supervised ? ['SIGTERM'] : undefined,
  );
  await host.done;
  await close(metricsServer);
});
