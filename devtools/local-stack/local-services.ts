import path from 'node:path';
import type { Config } from '../../src/config';
import { startFakeSttVendor } from '../fake-stt-vendor';
import { startSampleVideoHost } from '../sample-video-host';
import type { Logger } from '../../src/infra/logger';
import { startEmbeddedPostgres } from '../../src/infra/postgres/embedded';
import { resolveTemporalCli } from '../../src/infra/temporal/cli-binary';
import { startDevServer } from '../../src/infra/temporal/dev-server';

export interface LocalServices {
  /** The config with the addresses of whatever was started filled in. */
  config: Config;
  sampleVideoHostUrl?: string;
  stop(): Promise<void>;
}

/**
 * Brings up what the configuration leaves unset: the Temporal dev server when
 * TEMPORAL_ADDRESS is absent, an embedded PostgreSQL when DATABASE_URL is absent, the fake
 * speech-to-text vendor when STT_VENDOR_URL is absent.
 */
export async function startLocalServices(config: Config, logger: Logger): Promise<LocalServices> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch((err) => logger.warn({ err }, 'stopping a local service failed'));
  };
  let resolved = config;
  let sampleVideoHostUrl: string | undefined;
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
        onOutput: (line) => logger.debug({ source: 'temporal' }, line),
      });
      stops.push(server.stop);
      resolved = { ...resolved, temporal: { ...resolved.temporal, address: server.address, uiUrl: server.uiUrl } };
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
      logger.info({ port: config.postgres.embeddedPort }, 'embedded PostgreSQL started');
    }
    if (!config.stt.vendorUrl) {
      // No real vendor configured: the fake one (a dev tool speaking the same protocol) stands in.
      const vendor = await startFakeSttVendor({ port: config.stt.fakeVendorPort });
      stops.push(vendor.stop);
      resolved = { ...resolved, stt: { ...resolved.stt, vendorUrl: vendor.url } };
      logger.info({ url: vendor.url }, 'fake speech-to-text vendor started');
    }
    // A sample video host for trying the ETL locally; its loopback address joins the fetch allowlist.
    const videos = await startSampleVideoHost({ port: config.etl.sampleHostPort });
    stops.push(videos.stop);
    resolved = { ...resolved, fetch: { ...resolved.fetch, allowHosts: [...resolved.fetch.allowHosts, '127.0.0.1'] } };
    logger.info({ url: videos.url }, 'sample video host started');
    sampleVideoHostUrl = videos.url;
  } catch (err) {
    await stop();
    throw err;
  }
  return { config: resolved, stop, sampleVideoHostUrl };
}
