import type { Config, QueueName } from '../config';
import { assertDatabaseReachable } from '../infra/db/check';
import { migrate } from '../infra/db/migrate';
import { createPool } from '../infra/db/pool';
import type { Logger } from '../infra/logger';
import type { Metrics } from '../infra/metrics/registry';
import { connectTemporalClient } from '../infra/temporal/client';
import { ensureGridBatchSchedule } from '../pipelines/risk/grid-batch-schedule';
import { installTemporalRuntime, startWorkers } from './workers';

export interface WorkerHost {
  /** Resolves when the workers have stopped (after shutdown, or on a fatal worker error). */
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function startWorkerHost(config: Config, logger: Logger, metrics: Metrics, queues: readonly QueueName[]): Promise<WorkerHost> {
  const pool = createPool(config, 'dp-worker');
  try {
    await assertDatabaseReachable(pool, config.postgres.url ?? '');
    await migrate(pool);
    await installTemporalRuntime(metrics, logger);
    if (queues.includes('risk')) await ensureSchedules(config, logger);
    const workers = await startWorkers({ config, pool, logger }, queues);
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

/** The risk workers run the yearly grid batch, so they make sure its schedule exists as configured. */
async function ensureSchedules(config: Config, logger: Logger): Promise<void> {
  const client = await connectTemporalClient(config);
  try {
    await ensureGridBatchSchedule(client, config);
    logger.info({ scheduleId: config.riskBatch.scheduleId }, 'grid batch schedule ensured');
  } finally {
    await client.connection.close();
  }
}
