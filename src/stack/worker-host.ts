import type { Pool } from 'pg';
import type { Config } from '../config';
import { assertDatabaseReachable } from '../infra/db/check';
import { migrate } from '../infra/db/migrate';
import { createPool } from '../infra/db/pool';
import type { Logger } from '../infra/logger';
import type { Metrics } from '../infra/metrics/registry';
import { connectTemporalClient } from '../infra/temporal/client';
import type { AnyPipeline } from '../pipelines';
import { installTemporalRuntime, startWorkers } from './workers';

export interface WorkerHost {
  /** Resolves when the workers have stopped (after shutdown, or on a fatal worker error). */
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function startWorkerHost(config: Config, logger: Logger, metrics: Metrics, pipelines: readonly AnyPipeline[]): Promise<WorkerHost> {
  const pool = createPool(config, 'dp-worker');
  try {
    await assertDatabaseReachable(pool, config.postgres.url ?? '');
    await migrate(pool);
    await installTemporalRuntime(metrics, logger);
    await ensureSchedules(config, logger, pipelines, pool);
    const workers = await startWorkers({ config, pool, logger }, pipelines);
    const done = workers.done.finally(() => pool.end());
    return {
      done,
      async stop() {
        await workers.shutdown();
        await done;
      },
    };
  } catch (err) {
    await pool.end();
    throw err;
  }
}

/** A pipeline's workers run its scheduled work, so they make sure its schedules exist as configured. */
async function ensureSchedules(config: Config, logger: Logger, pipelines: readonly AnyPipeline[], pool: Pool): Promise<void> {
  const scheduling = pipelines.filter((p) => p.ensureSchedules);
  if (scheduling.length === 0) return;
  const client = await connectTemporalClient(config);
  try {
    for (const p of scheduling) await p.ensureSchedules!(client, config.pipelines[p.name], logger, pool);
  } finally {
    await client.connection.close();
  }
}
