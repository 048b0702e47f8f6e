import { Pool } from 'pg';
import type { PlatformConfig } from '../../config/platform';

/**
 * One bounded pool per process. Statement and idle-in-transaction timeouts make a dead or
 * stuck connection fail the query (and so the activity attempt) instead of hanging forever,
 * which is exactly how the original risk batch got stuck.
 */
export function createPool(config: PlatformConfig, applicationName: string): Pool {
  if (!config.postgres.url) throw new Error('DATABASE_URL is not resolved yet (start PostgreSQL first)');
  const pool = new Pool({
    connectionString: config.postgres.url,
    max: config.postgres.poolMax,
    idleTimeoutMillis: config.postgres.idleTimeoutMs,
    connectionTimeoutMillis: config.postgres.connectTimeoutMs,
    statement_timeout: config.postgres.statementTimeoutMs,
    idle_in_transaction_session_timeout: config.postgres.statementTimeoutMs,
    application_name: applicationName,
    keepAlive: true,
  });
  // A backend killed under a client (idle in the pool, or checked out between queries) emits
  // 'error'; without listeners that would crash the process. The next query on it fails and the
  // failure is handled where it happens (a retried activity, a 503 readiness answer).
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

export async function withTransaction<T>(pool: Pool, fn: (client: import('pg').PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    // Discard the connection: after a failure mid-transaction it may be dead or in an unknown state.
    client.release(err as Error);
    throw err;
  }
}
