import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Config } from '../../config';
import type { Logger } from '../../infra/logger';
import type { ObjectStore } from '../../infra/storage';
import type { Metrics } from '../../infra/metrics/registry';

/** What the API may use: it reads results from PostgreSQL and state from Temporal, and computes nothing. */
export interface ApiDeps {
  config: Config;
  pool: Pool;
  temporal: Client;
  metrics: Metrics;
  logger: Logger;
  store: ObjectStore;
}
