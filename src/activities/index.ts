import type { Pool } from 'pg';
import type { Config, QueueName } from '../config';
import type { Logger } from '../infra/logger';
import { createRiskActivities } from './risk';
import { createSystemCheckActivities } from './system-check';

/** What activities may touch. Tests build the same object, so they run the production wiring. */
export interface ActivityDeps {
  config: Config;
  pool: Pool;
  logger: Logger;
  workerIdentity: string;
}

/** The activities each task queue's worker registers; each pipeline adds its own. */
export function createActivities(deps: ActivityDeps): Record<QueueName, object> {
  const common = createSystemCheckActivities(deps);
  return {
    risk: { ...common, ...createRiskActivities({ ...deps, maxGridDistanceKm: deps.config.risk.maxGridDistanceKm }) },
    stt: { ...common },
    etl: { ...common },
  };
}
