import type { Pool } from 'pg';
import type { PlatformConfig } from '../../config/platform';
import type { Logger } from '../../infra/logger';

/** What every pipeline's activity factory receives. Tests build the same object, so they run the production wiring. */
export interface ActivityDeps {
  config: PlatformConfig;
  pool: Pool;
  logger: Logger;
  workerIdentity: string;
}

/** A task queue that carries only activities (no workflows), with its own concurrency. */
export interface ActivityOnlyQueue {
  taskQueue: string;
  maxConcurrentActivities: number;
  activities: object;
}

/** The activities one pipeline hosts, and the connections they opened. */
export interface HostedActivities {
  activities: object;
  activityQueues?: ActivityOnlyQueue[];
  close?(): Promise<void>;
}
