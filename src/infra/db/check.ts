import type { Pool } from 'pg';

export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError';
}

/** Fails start-up with one line naming the setting when PostgreSQL can't be reached. */
export async function assertDatabaseReachable(pool: Pool, url: string): Promise<void> {
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    const safeUrl = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
    throw new DatabaseUnreachableError(`DATABASE_URL: cannot connect to ${safeUrl} (${(err as Error).message})`);
  }
}
