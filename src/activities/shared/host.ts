import type { Pool } from 'pg';
import { ConfigError, sttSlotTaskQueue, type Config, type QueueName } from '../../config';
import { createNotificationListener } from '../../infra/db/notifications';
import { SLOT_RELEASED_CHANNEL } from '../../infra/stt/queries/vendor-coordination';
import type { Logger } from '../../infra/logger';
import { createObjectStore } from '../../infra/storage';
import { RtzrClient } from '../../infra/stt/rtzr-client';
import { createEtlActivities } from '../etl';
import { createRiskActivities } from '../risk/site';
import { createGridBatchActivities } from '../risk/grid-batch';
import { createSttActivities } from '../stt';
import { createSystemCheckActivities } from '../system-check';

/** What activities may touch. Tests build the same object, so they run the production wiring. */
export interface ActivityDeps {
  config: Config;
  pool: Pool;
  logger: Logger;
  workerIdentity: string;
}

/** The activities of the queues this process serves, and the connections they opened. */
export interface ActivityHost {
  activities: Partial<Record<QueueName, object>>;
  /** Task queues that carry only activities (no workflows), with their own concurrency. */
  activityQueues: Array<{ taskQueue: string; activities: object; maxConcurrentActivities: number }>;
  close(): Promise<void>;
}

function sttActivities(deps: ActivityDeps) {
  const { config } = deps;
  if (!config.stt.vendorUrl) {
    throw new ConfigError('STT_VENDOR_URL: required by workers on the stt queue (`npm start` runs the fake vendor for you)');
  }
  const provider = new RtzrClient({ baseUrl: config.stt.vendorUrl, clientId: config.stt.clientId, clientSecret: config.stt.clientSecret });
  const slotReleases = createNotificationListener(config.postgres.url!, SLOT_RELEASED_CHANNEL);
  const store = createObjectStore(config.storage);
  return {
    activities: createSttActivities({ pool: deps.pool, store, provider, slotReleases, stt: config.stt }),
    close: async () => {
      await slotReleases.close();
      await provider.close();
    },
  };
}

export function createActivities(deps: ActivityDeps, queues: readonly QueueName[]): ActivityHost {
  const common = createSystemCheckActivities(deps);
  const activities: ActivityHost['activities'] = {};
  const activityQueues: ActivityHost['activityQueues'] = [];
  const closers: Array<() => Promise<void>> = [];
  if (queues.includes('risk')) {
    activities.risk = {
      ...common,
      ...createRiskActivities({ ...deps, maxGridDistanceKm: deps.config.risk.maxGridDistanceKm }),
      ...createGridBatchActivities(deps),
    };
  }
  if (queues.includes('stt')) {
    const stt = sttActivities(deps);
    // acquireSlot stays on the main queue too, for runs started before waits had a queue of their own.
    activities.stt = { ...common, ...stt.activities };
    activityQueues.push({ taskQueue: sttSlotTaskQueue(deps.config), activities: { acquireSlot: stt.activities.acquireSlot }, maxConcurrentActivities: deps.config.stt.slotWaiters });
    closers.push(stt.close);
  }
  if (queues.includes('etl')) {
    const store = createObjectStore(deps.config.storage);
    activities.etl = { ...common, ...createEtlActivities({ pool: deps.pool, store, config: deps.config }) };
  }
  return {
    activities,
    activityQueues,
    close: async () => {
      for (const close of closers) await close();
    },
  };
}
