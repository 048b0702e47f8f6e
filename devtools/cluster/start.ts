// `npm run start:cluster`: the docker-compose.yml topology as real processes on this machine — the
// Temporal server on PostgreSQL, its Web UI, two API processes and two workers per task queue.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../../src/config';
import { assertDatabaseReachable } from '../../src/infra/db/check';
import { createPool } from '../../src/infra/db/pool';
import { createLogger } from '../../src/infra/logger';
import { startEmbeddedPostgres } from '../../src/infra/postgres/embedded';
import { ANY_PIPELINES } from '../../src/pipelines';
import { prepareDatabase } from '../../src/stack/prepare-database';
import { onShutdownSignal, runMain } from '../../src/bin/run-main';
import { DEV_SERVICES } from '../local-stack/dev-services';
import { startCluster } from './cluster';
import { temporalDatabaseEnv } from './temporal-database';

function counts(): { apis: number; workers: number } {
  const { values } = parseArgs({ options: { apis: { type: 'string', default: '2' }, 'workers-per-queue': { type: 'string', default: '2' } } });
  const apis = Number(values.apis);
  const workers = Number(values['workers-per-queue']);
  if (!Number.isInteger(apis) || apis < 1) throw new ConfigError(`--apis: a whole number of at least 1 (got ${values.apis})`);
  if (!Number.isInteger(workers) || workers < 1) throw new ConfigError(`--workers-per-queue: a whole number of at least 1 (got ${values['workers-per-queue']})`);
  return { apis, workers };
}

runMain(async () => {
  const startedAt = Date.now();
  const { apis, workers } = counts();
  let config: Config = loadConfig();
  const logger = createLogger(config.logLevel, 'cluster');
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const fn of stops.splice(0).reverse()) await fn().catch((err) => logger.warn({ err }, 'stopping failed'));
  };
  onShutdownSignal(stop, logger);
  try {
    if (!config.postgres.url) {
      const pg = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.postgres.embeddedPort, onLog: (line) => logger.debug({ source: 'postgres' }, line) });
      stops.push(pg.stop);
      config = { ...config, postgres: { ...config.postgres, url: pg.url } };
      logger.info({ port: config.postgres.embeddedPort }, 'embedded PostgreSQL started');
    }
    const pool = createPool(config, 'dp-cluster-launcher');
    try {
      await assertDatabaseReachable(pool, config.postgres.url!);
      await prepareDatabase(pool, config, (msg) => logger.info(msg));
    } finally {
      await pool.end();
    }
    // Every process shares one object store directory, like the compose file's `objects` volume.
    const appEnv: Record<string, string> = { STORAGE_DIR: config.storage.rootDir };
    const devServices: string[] = [];
    for (const service of DEV_SERVICES) {
      if (!service.wanted(config)) continue;
      const started = await service.start(config, logger);
      stops.push(started.stop);
      config = started.config;
      Object.assign(appEnv, started.env);
      devServices.push(`  ${service.label.padEnd(15)}${started.hint}`);
    }

    const cluster = await startCluster({
      config,
      temporalDb: temporalDatabaseEnv(config.postgres.url!, process.env),
      internalPorts: 'standard',
      apiPorts: Array.from({ length: apis }, (_, i) => config.api.port + i),
      workersPerQueue: workers,
      ui: true,
      appEnv,
      log: (msg) => logger.info(msg),
      onOutput: (source, line) => console.log(`[${source}] ${line}`),
      onUnexpectedExit: (name, code, signal) => logger.error({ process: name, code, signal }, 'process exited; restart the launcher or it with the same environment'),
    });
    stops.push(cluster.stop);

    const t = cluster.timings;
    console.log(
      [
        '',
        `durable-pipelines cluster is up (${((Date.now() - startedAt) / 1000).toFixed(1)} s: tools ${t.tools.toFixed(1)} s, schema ${t.schema.toFixed(1)} s, ` +
          `Temporal ${t.server.toFixed(1)} s, namespace ${t.namespace.toFixed(1)} s, UI ${t.ui.toFixed(1)} s, API and workers ${t.processes.toFixed(1)} s)`,
        ...cluster.apiUrls.map((url, i) => `  API ${i + 1}          ${url}`),
        `  Temporal UI    ${cluster.uiUrl}`,
        `  Temporal gRPC  ${cluster.temporal.address} (PostgreSQL ${new URL(config.postgres.url!).host}, databases ${cluster.temporal.databases})`,
        ...devServices,
        `  Workers        ${workers} per queue: ${ANY_PIPELINES.map((p) => config.pipelines[p.name].queue.taskQueue).join(', ')}`,
        'Press Ctrl-C to stop everything.',
        '',
      ].join('\n'),
    );
  } catch (err) {
    await stop();
    throw err;
  }
});
