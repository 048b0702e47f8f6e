import { ConfigError } from '../../config/errors';
import { createNotificationListener } from '../../infra/db/notifications';
import { createObjectStore } from '../../infra/storage';
import { OpenAiCompatibleClient } from '../../infra/stt/openai-compatible-client';
import type { SttProvider } from '../../infra/stt/provider';
import { RtzrClient } from '../../infra/stt/rtzr-client';
import { SLOT_RELEASED_CHANNEL } from '../../infra/vendor-gate/slots';
import type { SttSettings } from '../../pipelines/stt/settings';
import type { ActivityDeps, HostedActivities } from '../shared/deps';
import { createSttActivities } from '.';

/**
 * A synchronous vendor answers inside the submit activity, whose start-to-close timeout is 2
 * minutes (workflows/stt/transcription.ts). Giving up a little earlier ends the request cleanly
 * instead of leaving it running behind an activity Temporal has already timed out.
 */
const SYNCHRONOUS_TRANSCRIPTION_TIMEOUT_MS = 110_000;

/** The STT worker's activities with the vendor client and the slot-release listener they share. */
export function hostSttActivities(deps: ActivityDeps, settings: SttSettings): HostedActivities {
  const provider = createProvider(settings);
  // A release frees one slot: it wakes the job that has waited longest, not every queued one.
  const slotReleases = createNotificationListener(deps.config.postgres.url!, SLOT_RELEASED_CHANNEL, { payload: provider.name, wakes: 'longest-waiting' });
  const store = createObjectStore(deps.config.storage);
  const activities = createSttActivities({ pool: deps.pool, store, provider, slotReleases, stt: settings, fetch: deps.config.fetch });
  return {
    // Submits wait for their slot on the slot queue, where hundreds of waiting jobs cannot take the
    // activity slots polls need. Both stay on the main queue for runs started before.
    activities,
    activityQueues: [{ ...settings.slotQueue, activities: { acquireSlot: activities.acquireSlot, submitTranscription: activities.submitTranscription } }],
    close: async () => {
      await slotReleases.close();
      await provider.close();
    },
  };
}

/** The vendor client STT_PROVIDER names; its `name` keys the shared backoff gate and slot cap. */
function createProvider(settings: SttSettings): SttProvider {
  const chosen = settings.provider;
  if (!chosen.baseUrl) {
    throw new ConfigError(`${chosen.baseUrlVariable}: required by workers on the stt queue with STT_PROVIDER=${chosen.name} (\`npm start\` runs the fake vendor for you)`);
  }
  if (chosen.name === 'openai') {
    return new OpenAiCompatibleClient({
      name: chosen.name,
      baseUrl: chosen.baseUrl,
      apiKey: chosen.apiKey,
      model: chosen.model,
      language: chosen.language,
      // Each transcription holds its connection for the whole recognition: one per slot.
      maxConnections: settings.maxInFlight,
      transcriptionTimeoutMs: SYNCHRONOUS_TRANSCRIPTION_TIMEOUT_MS,
    });
  }
  return new RtzrClient({ baseUrl: chosen.baseUrl, clientId: chosen.clientId, clientSecret: chosen.clientSecret });
}
