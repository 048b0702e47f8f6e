import { createThrowawayDatabase, type ThrowawayDatabase } from '../../devtools/shared/throwaway-database';

/** An empty database on the run's PostgreSQL server, for tests that need a schema-less start. */
export function createScratchDatabase(): Promise<ThrowawayDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('DATABASE_URL is set by `npm test`');
  return createThrowawayDatabase(serverUrl, 'dp_scratch');
}
