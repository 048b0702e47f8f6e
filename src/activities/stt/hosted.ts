import { ConfigError } from '../../config/errors';
import { createNotificationListener } from '../../infra/db/notifications';
import { createObjectStore } from '../../infra/storage';
import { RtzrClient } from '../../infra/stt/rtzr-client';
import { SLOT_RELEASED_CHANNEL } from '../../infra/stt/queries/vendor-coordination';
import type { SttSettings } from '../../pipelines/stt/settings';
import type { ActivityDeps, HostedActivities } from '../shared/deps';
import { createSttActivities } from '.';

/** The STT worker's activities with the vendor client and the slot-release listener they share. */
export function hostSttActivities(deps: ActivityDeps, settings: SttSettings): HostedActivities {
  if (!settings.vendorUrl) {
    throw new ConfigError('STT_VENDOR_URL: required by workers on the stt queue (`npm start` runs the fake vendor for you)');
  }
  const provider = new RtzrClient({ baseUrl: settings.vendorUrl, clientId: settings.clientId, clientSecret: settings.clientSecret });
  const slotReleases = createNotificationListener(deps.config.postgres.url!, SLOT_RELEASED_CHANNEL);
  const store = createObjectStore(deps.config.storage);
  const activities = createSttActivities({ pool: deps.pool, store, provider, slotReleases, stt: settings });
  return {
    // acquireSlot stays on the main queue too, for runs started before waits had a queue of their own.
    activities,
    activityQueues: [{ ...settings.slotQueue, activities: { acquireSlot: activities.acquireSlot } }],
    close: async () => {
      await slotReleases.close();
      await provider.close();
    },
  };
}
