import { z } from 'zod';
import { port, positiveInt, taskQueueName } from '../../config/env';

export const STT_PROVIDERS = ['rtzr', 'openai'] as const;
export type SttProviderName = (typeof STT_PROVIDERS)[number];

/** Speech-to-text: the vendor account and how jobs share it. */
export const sttSettings = z
  .object({
    TASK_QUEUE_STT: taskQueueName.default('stt'),
    STT_MAX_ACTIVITIES: positiveInt.default(20),
    STT_PROVIDER: z.enum(STT_PROVIDERS).default('rtzr'),
    // RTZR (VITO) batch STT: asynchronous, submit then poll.
    STT_VENDOR_URL: z.url().optional(),
    STT_CLIENT_ID: z.string().default('dev-client'),
    STT_CLIENT_SECRET: z.string().default('dev-secret'),
    // An OpenAI-compatible synchronous `/audio/transcriptions` (OpenAI, whisper servers, vLLM).
    STT_OPENAI_BASE_URL: z.url().optional(),
    STT_OPENAI_API_KEY: z.string().optional(),
    STT_OPENAI_MODEL: z.string().min(1).default('whisper-1'),
    STT_OPENAI_LANGUAGE: z.string().regex(/^[a-z]{2}$/, 'an ISO-639-1 code such as ko').optional(),
    FAKE_STT_VENDOR_PORT: port.default(4010),
    STT_MAX_IN_FLIGHT: positiveInt.default(10),
    STT_CAP_INCREASE_EVERY: positiveInt.default(25),
    STT_SLOT_WAITERS: positiveInt.default(1_000),
    STT_POLL_INTERVAL_MS: positiveInt.default(5_000),
    // Inside the poll activity's 2-minute start-to-close timeout, with room for a slow poll and a short pause.
    STT_POLL_WAIT_IN_ACTIVITY_MS: z.coerce.number().int().min(1).max(60_000).default(30_000),
    STT_SLOT_LEASE_MS: positiveInt.default(120_000),
    STT_BACKOFF_BASE_MS: positiveInt.default(5_000),
    STT_BACKOFF_MAX_MS: positiveInt.default(300_000),
    STT_QUOTA_PAUSE_MS: positiveInt.default(3_600_000),
    STT_MAX_UPLOAD_BYTES: positiveInt.default(1024 * 1024 * 1024),
  })
  .transform((e) => ({
    queue: { taskQueue: e.TASK_QUEUE_STT, maxConcurrentActivities: e.STT_MAX_ACTIVITIES },
    /**
     * Waiting for a vendor slot is a long, idle activity; it runs on its own task queue so that
     * hundreds of waiting jobs cannot occupy the activity slots that polls and submits need.
     */
    slotQueue: { taskQueue: `${e.TASK_QUEUE_STT}-slots`, maxConcurrentActivities: e.STT_SLOT_WAITERS },
    /**
     * The vendor the worker talks to; its name also keys the shared backoff gate and slot cap.
     * An unset `baseUrl` means: start the fake vendor locally (npm start) — never in production.
     */
    provider: providerSettings(e),
    fakeVendorPort: e.FAKE_STT_VENDOR_PORT,
    /** The most vendor jobs at once; the cap the workers learn from A0002s never exceeds it. */
    maxInFlight: e.STT_MAX_IN_FLIGHT,
    /** Completed jobs without an A0002 after which the learned cap grows by one. */
    capIncreaseEvery: e.STT_CAP_INCREASE_EVERY,
    pollIntervalMs: e.STT_POLL_INTERVAL_MS,
    slotLeaseMs: e.STT_SLOT_LEASE_MS,
    backoffBaseMs: e.STT_BACKOFF_BASE_MS,
    backoffMaxMs: e.STT_BACKOFF_MAX_MS,
    quotaPauseMs: e.STT_QUOTA_PAUSE_MS,
    maxUploadBytes: e.STT_MAX_UPLOAD_BYTES,
    /** Passed into each transcription workflow. */
    tuning: { pollIntervalMs: e.STT_POLL_INTERVAL_MS, pollWaitInActivityMs: e.STT_POLL_WAIT_IN_ACTIVITY_MS, slotTaskQueue: `${e.TASK_QUEUE_STT}-slots` },
  }));

type SttEnv = {
  STT_PROVIDER: SttProviderName;
  STT_VENDOR_URL?: string;
  STT_CLIENT_ID: string;
  STT_CLIENT_SECRET: string;
  STT_OPENAI_BASE_URL?: string;
  STT_OPENAI_API_KEY?: string;
  STT_OPENAI_MODEL: string;
  STT_OPENAI_LANGUAGE?: string;
};

function providerSettings(e: SttEnv) {
  if (e.STT_PROVIDER === 'openai') {
    return {
      name: 'openai' as const,
      /** The API base as OpenAI SDKs take it, `/v1` included. */
      baseUrl: e.STT_OPENAI_BASE_URL,
      baseUrlVariable: 'STT_OPENAI_BASE_URL',
      apiKey: e.STT_OPENAI_API_KEY,
      model: e.STT_OPENAI_MODEL,
      language: e.STT_OPENAI_LANGUAGE,
    };
  }
  return {
    name: 'rtzr' as const,
    baseUrl: e.STT_VENDOR_URL,
    baseUrlVariable: 'STT_VENDOR_URL',
    clientId: e.STT_CLIENT_ID,
    clientSecret: e.STT_CLIENT_SECRET,
  };
}

export type SttSettings = z.output<typeof sttSettings>;
export type SttProviderSettings = SttSettings['provider'];
/** What each transcription workflow is given. Fields added later are optional: runs started before carry none. */
export interface SttTuning {
  pollIntervalMs: number;
  slotTaskQueue?: string;
  pollWaitInActivityMs?: number;
}
