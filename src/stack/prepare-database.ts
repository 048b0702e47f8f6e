import type { Pool } from 'pg';
import type { Config } from '../config';
import { migrate } from '../infra/db/migrate';
import { ANY_PIPELINES } from '../pipelines';

/** Schema first, then each pipeline's first-start data (only where the tables are still empty). */
export async function prepareDatabase(pool: Pool, config: Config, log: (message: string) => void): Promise<void> {
  await migrate(pool);
  for (const p of ANY_PIPELINES) await p.prepareDatabase?.(pool, config.pipelines[p.name], log);
}
