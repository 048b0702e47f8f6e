import path from 'node:path';
import type { Config } from '../../src/config';
import { DEV_SERVICES } from './dev-services';
import type { Logger } from '../../src/infra/logger';
import { startEmbeddedPostgres } from '../../src/infra/postgres/embedded';
import { resolveTemporalCli } from '../../src/infra/temporal/cli-binary';
import { startDevServer } from '../../src/infra/temporal/dev-server';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/workflows/shared/search-attributes';

export interface LocalServices {
  /** The config with the addresses of whatever was started filled in. */
  config: Config;
  /** Stand-ins started for third parties, for the banner. */
  devServices: Array<{ label: string; hint: string }>;
  /** What was filled in, as environment variables, for processes started apart (the worker). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Brings up what the configuration leaves unset: the Temporal dev server when
 * TEMPORAL_ADDRESS is absent, an embedded PostgreSQL when DATABASE_URL is absent, and the
 * stand-ins for third parties (dev-services.ts) the configuration leaves to us.
 */
export async function startLocalServices(config: Config, logger: Logger): Promise<LocalServices> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch((err) => logger.warn({ err }, 'stopping a local service failed'));
  };
  let resolved = config;
  const devServices: LocalServices['devServices'] = [];
  const env: Record<string, string> = {};
  try {
    if (!config.temporal.address) {
      const cliPath = resolveTemporalCli(
        { explicitPath: config.temporal.cliPath, toolsDir: config.toolsDir, pathEnv: process.env.PATH ?? '' },
        (msg) => logger.info(msg),
      );
      const server = await startDevServer({
        cliPath,
        dataDir: path.join(config.dataDir, 'temporal'),
        port: config.temporal.port,
        uiPort: config.temporal.uiPort,
        namespace: config.temporal.namespace,
        searchAttributes: ALL_SEARCH_ATTRIBUTES,
        onOutput: (line) => logger.debug({ source: 'temporal' }, line),
      });
      stops.push(server.stop);
      resolved = { ...resolved, temporal: { ...resolved.temporal, address: server.address, uiUrl: server.uiUrl } };
      Object.assign(env, { TEMPORAL_ADDRESS: server.address, TEMPORAL_UI_URL: server.uiUrl });
      logger.info({ address: server.address, cliPath }, 'Temporal dev server started');
    }
    if (!config.postgres.url) {
      const pg = await startEmbeddedPostgres({
        dataDir: config.dataDir,
        port: config.postgres.embeddedPort,
        onLog: (line) => logger.debug({ source: 'postgres' }, line),
      });
      stops.push(pg.stop);
      resolved = { ...resolved, postgres: { ...resolved.postgres, url: pg.url } };
      env.DATABASE_URL = pg.url;
      logger.info({ port: config.postgres.embeddedPort }, 'embedded PostgreSQL started');
    }
    for (const service of DEV_SERVICES) {
      if (!service.wanted(resolved)) continue;
      const started = await service.start(resolved, logger);
      stops.push(started.stop);
      resolved = started.config;
      Object.assign(env, started.env);
      devServices.push({ label: service.label, hint: started.hint });
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { config: resolved, stop, devServices, env };
}
