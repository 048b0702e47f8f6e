import { z } from 'zod';
import { bool, port, positiveInt, taskQueueName } from '../../config/env';

/** Speech-to-text: the vendor account and how jobs share it. */
export const sttSettings = z
  .object({
    TASK_QUEUE_STT: taskQueueName.default('stt'),
    STT_MAX_ACTIVITIES: positiveInt.default(20),
    STT_VENDOR_URL: z.url().optional(),
    STT_CLIENT_ID: z.string().default('dev-client'),
    STT_CLIENT_SECRET: z.string().default('dev-secret'),
    FAKE_STT_VENDOR_PORT: port.default(4010),
    STT_MAX_IN_FLIGHT: positiveInt.default(10),
    STT_SLOT_WAITERS: positiveInt.default(1_000),
    STT_POLL_INTERVAL_MS: positiveInt.default(5_000),
    STT_SLOT_LEASE_MS: positiveInt.default(120_000),
    STT_BACKOFF_BASE_MS: positiveInt.default(5_000),
    STT_BACKOFF_MAX_MS: positiveInt.default(300_000),
    STT_QUOTA_PAUSE_MS: positiveInt.default(3_600_000),
    STT_MAX_UPLOAD_BYTES: positiveInt.default(1024 * 1024 * 1024),
    // Switches for the benchmark's contrast run; keep both on in production.
    STT_GATE_ENABLED: bool.default(true),
    STT_CAP_ENABLED: bool.default(true),
  })
  .transform((e) => ({
    queue: { taskQueue: e.TASK_QUEUE_STT, maxConcurrentActivities: e.STT_MAX_ACTIVITIES },
    /**
     * Waiting for a vendor slot is a long, idle activity; it runs on its own task queue so that
     * hundreds of waiting jobs cannot occupy the activity slots that polls and submits need.
     */
    slotQueue: { taskQueue: `${e.TASK_QUEUE_STT}-slots`, maxConcurrentActivities: e.STT_SLOT_WAITERS },
    /** Unset means: start the fake vendor locally (npm start) — never in production. */
    vendorUrl: e.STT_VENDOR_URL,
    clientId: e.STT_CLIENT_ID,
    clientSecret: e.STT_CLIENT_SECRET,
    fakeVendorPort: e.FAKE_STT_VENDOR_PORT,
    maxInFlight: e.STT_MAX_IN_FLIGHT,
    pollIntervalMs: e.STT_POLL_INTERVAL_MS,
    slotLeaseMs: e.STT_SLOT_LEASE_MS,
    backoffBaseMs: e.STT_BACKOFF_BASE_MS,
    backoffMaxMs: e.STT_BACKOFF_MAX_MS,
    quotaPauseMs: e.STT_QUOTA_PAUSE_MS,
    maxUploadBytes: e.STT_MAX_UPLOAD_BYTES,
    gateEnabled: e.STT_GATE_ENABLED,
    capEnabled: e.STT_CAP_ENABLED,
    /** Passed into each transcription workflow. */
    tuning: { pollIntervalMs: e.STT_POLL_INTERVAL_MS, slotTaskQueue: `${e.TASK_QUEUE_STT}-slots` },
  }));

export type SttSettings = z.output<typeof sttSettings>;
export type SttTuning = SttSettings['tuning'];
