import { z } from 'zod';
import { listenPort, positiveInt, taskQueueName } from '../../config/env';

/** Video ETL: how many videos move at once, per job and per host. */
export const etlSettings = z
  .object({
    TASK_QUEUE_ETL: taskQueueName.default('etl'),
    ETL_MAX_ACTIVITIES: positiveInt.default(8),
    ETL_CONNECTIONS_PER_HOST: positiveInt.default(4),
    ETL_MAX_FILE_BYTES: positiveInt.default(10 * 1024 * 1024 * 1024),
    ETL_CHUNK_SIZE: z.coerce.number().int().min(1).max(1000).default(200),
    ETL_CHUNKS_IN_FLIGHT: z.coerce.number().int().min(1).max(100).default(4),
    ETL_VIDEOS_IN_FLIGHT: z.coerce.number().int().min(1).max(100).default(4),
    SAMPLE_VIDEO_HOST_PORT: listenPort.default(4020),
  })
  .transform((e) => ({
    queue: { taskQueue: e.TASK_QUEUE_ETL, maxConcurrentActivities: e.ETL_MAX_ACTIVITIES },
    /** Downloads per video host per worker: the original's 50 threads on one link were the outage. */
    connectionsPerHost: e.ETL_CONNECTIONS_PER_HOST,
    /** Largest media file and largest input CSV accepted, in bytes. */
    maxFileBytes: e.ETL_MAX_FILE_BYTES,
    /** Where `npm start` runs its sample video host (a dev tool). */
    sampleHostPort: e.SAMPLE_VIDEO_HOST_PORT,
    /** Passed into each ETL job workflow. */
    tuning: {
      /** Videos per child workflow: keeps every history far below Temporal's limits. */
      chunkSize: e.ETL_CHUNK_SIZE,
      chunksInFlight: e.ETL_CHUNKS_IN_FLIGHT,
      /** Transfers in flight at once inside one chunk; twice as many videos again are probed and loaded around them. */
      videosInFlight: e.ETL_VIDEOS_IN_FLIGHT,
    },
  }));

export type EtlSettings = z.output<typeof etlSettings>;
export type EtlTuning = EtlSettings['tuning'];
