import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { PlatformConfig } from '../../config/platform';
import type { Logger } from '../../infra/logger';
import type { Metrics } from '../../infra/metrics/registry';
import type { ObjectStore } from '../../infra/storage';

/** What the API may use: it reads results from PostgreSQL and state from Temporal, and computes nothing. */
export interface ApiDeps {
  config: PlatformConfig;
  pool: Pool;
  temporal: Client;
  metrics: Metrics;
  logger: Logger;
  store: ObjectStore;
  /** Every pipeline's task queue by pipeline name (the system check starts a probe on each). */
  taskQueues: Readonly<Record<string, string>>;
}
