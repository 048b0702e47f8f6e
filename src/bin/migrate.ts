// Applies pending migrations: `npm run migrate` (DATABASE_URL required).
import { ConfigError, loadConfig } from '../config';
import { assertDatabaseReachable } from '../infra/db/check';
import { migrate } from '../infra/db/migrate';
import { createPool } from '../infra/db/pool';
import { runMain } from './run-main';

runMain(async () => {
  const config = loadConfig();
  if (!config.postgres.url) throw new ConfigError('DATABASE_URL: required to migrate');
  const pool = createPool(config, 'dp-migrate');
  try {
    await assertDatabaseReachable(pool, config.postgres.url);
    const result = await migrate(pool);
    console.log(`applied ${result.applied.length} migration(s)${result.applied.length ? `: ${result.applied.join(', ')}` : ''}`);
  } finally {
    await pool.end();
  }
});
