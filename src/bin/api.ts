// The REST API process: `npm run api`.
import { ConfigError, loadConfig } from '../config';
import { createLogger } from '../infra/logger';
import { createMetrics } from '../infra/metrics/registry';
import { startApiHost } from '../stack/api-host';
import { onShutdownSignal, runMain } from './run-main';

runMain(async () => {
  const config = loadConfig();
  if (!config.postgres.url) throw new ConfigError('DATABASE_URL: required for a standalone API (`npm start` starts PostgreSQL for you)');
  const logger = createLogger(config.logLevel, 'api');
  const api = await startApiHost(config, logger, createMetrics());
  onShutdownSignal(api.stop, logger);
});
