import type { Config } from '../config';
import { assertApiExposureIntended } from '../config/api-exposure';
import { createApp } from '../api/app';
import { assertDatabaseReachable } from '../infra/db/check';
import { migrate } from '../infra/db/migrate';
import { createPool } from '../infra/db/pool';
import type { Logger } from '../infra/logger';
import type { Metrics } from '../infra/metrics/registry';
import { createObjectStore } from '../infra/storage';
import { connectTemporalClient } from '../infra/temporal/client';
import { close, listen } from '../infra/http/server';

export interface ApiHost {
  url: string;
  stop(): Promise<void>;
}

export async function startApiHost(config: Config, logger: Logger, metrics: Metrics): Promise<ApiHost> {
  assertApiExposureIntended(config.api);
  const pool = createPool(config, 'dp-api');
  try {
    await assertDatabaseReachable(pool, config.postgres.url ?? '');
    await migrate(pool);
    const temporal = await connectTemporalClient(config);
    const store = createObjectStore(config.storage);
    const app = createApp({ config, pool, temporal, metrics, logger, store });
    const server = await listen(app, config.api.host, config.api.port, 'API_PORT');
    const url = `http://${config.api.host}:${config.api.port}`;
    logger.info({ url }, 'API listening');
    return {
      url,
      async stop() {
        await close(server);
        await temporal.connection.close();
        await pool.end();
      },
    };
  } catch (err) {
    await pool.end();
    throw err;
  }
}
