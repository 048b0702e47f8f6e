import { Pool } from 'pg';
import { migrate } from '../../../src/infra/db/migrate';
import { createScratchDatabase } from '../../support/scratch-database';

/**
 * A migrated database of this file's own, so loading or emptying the reference tables never
 * disturbs other tests sharing the run's database. Several pools stand for several processes.
 */
export async function migratedScratchDatabase(pools = 1): Promise<{ pools: Pool[]; close(): Promise<void> }> {
  const db = await createScratchDatabase();
  const created = Array.from({ length: pools }, () => {
    const pool = new Pool({ connectionString: db.url, max: 4 });
    // Dropping the database (WITH FORCE) ends any connection still open; that is the point, not a failure.
    pool.on('error', () => undefined);
    return pool;
  });
  await migrate(created[0]);
  return {
    pools: created,
    async close() {
      await Promise.all(created.map((p) => p.end()));
      await db.drop();
    },
  };
}
