import { z } from 'zod';
import { bool, positiveInt, taskQueueName } from '../../config/env';

/** Climate physical risk: how assessments and the grid batch are cut into durable steps. */
export const riskSettings = z
  .object({
    TASK_QUEUE_RISK: taskQueueName.default('risk'),
    RISK_MAX_ACTIVITIES: positiveInt.default(4),
    RISK_YEARS_PER_ACTIVITY: z.coerce.number().int().min(1).max(80).default(80),
    RISK_MAX_SITES_IN_FLIGHT: z.coerce.number().int().min(1).max(1000).default(20),
    RISK_SITES_PER_RUN: z.coerce.number().int().min(1).max(2000).default(500),
    RISK_HEARTBEAT_TIMEOUT_S: positiveInt.default(20),
    RISK_GROUP_TIMEOUT_S: positiveInt.default(120),
    RISK_MAX_GRID_DISTANCE_KM: z.coerce.number().positive().default(20),
    RISK_WINDOW_YEARS: z.coerce.number().int().min(3).max(80).default(30),
    // Unset: named after the task queue, so two deployments sharing a namespace never share a schedule.
    RISK_BATCH_SCHEDULE_ID: z.string().min(1).optional(),
    RISK_BATCH_TIMEOUT_S: positiveInt.default(6 * 3600),
    RISK_BATCH_CATCHUP_WINDOW_S: positiveInt.default(30 * 24 * 3600),
    RISK_BATCH_POINTS_PER_CHILD: positiveInt.default(200),
    RISK_BATCH_POINTS_PER_ACTIVITY: positiveInt.default(20),
    RISK_BATCH_CHILDREN_IN_FLIGHT: positiveInt.default(2),
    RISK_BATCH_CHILDREN_PER_RUN: positiveInt.default(100),
    RISK_BATCH_ACTIVITY_TIMEOUT_S: positiveInt.default(600),
    RISK_BATCH_ON_FIRST_START: bool.default(true),
    REFERENCE_GRID_RESOLUTION: z.coerce.number().min(0.01).max(1).default(0.1),
    REFERENCE_GRID_SEED: z.coerce.number().int().default(42),
  })
  .transform((e) => ({
    queue: { taskQueue: e.TASK_QUEUE_RISK, maxConcurrentActivities: e.RISK_MAX_ACTIVITIES },
    /** Passed into each assessment and site workflow as its tuning. */
    assessment: {
      yearsPerActivity: e.RISK_YEARS_PER_ACTIVITY,
      maxSitesInFlight: e.RISK_MAX_SITES_IN_FLIGHT,
      sitesPerRun: e.RISK_SITES_PER_RUN,
      heartbeatTimeoutSeconds: e.RISK_HEARTBEAT_TIMEOUT_S,
      groupTimeoutSeconds: e.RISK_GROUP_TIMEOUT_S,
      maxGridDistanceKm: e.RISK_MAX_GRID_DISTANCE_KM,
      windowYears: e.RISK_WINDOW_YEARS,
    },
    /** The scheduled grid batch; passed into hazardGridBatchWorkflow as its tuning. */
    gridBatch: {
      scheduleId: e.RISK_BATCH_SCHEDULE_ID ?? `${e.TASK_QUEUE_RISK}-grid-batch`,
      /** A risk worker starting on a loaded grid with no hazard scores and no batch yet runs the batch once. */
      onFirstStart: e.RISK_BATCH_ON_FIRST_START,
      /** Whole-batch limit (workflow execution timeout), so a hung batch can never block the next. */
      timeoutSeconds: e.RISK_BATCH_TIMEOUT_S,
      /** How late a missed yearly run may still start (server down at the scheduled time). */
      catchupWindowSeconds: e.RISK_BATCH_CATCHUP_WINDOW_S,
      pointsPerChild: e.RISK_BATCH_POINTS_PER_CHILD,
      pointsPerActivity: e.RISK_BATCH_POINTS_PER_ACTIVITY,
      maxChildrenInFlight: e.RISK_BATCH_CHILDREN_IN_FLIGHT,
      childrenPerRun: e.RISK_BATCH_CHILDREN_PER_RUN,
      activityTimeoutSeconds: e.RISK_BATCH_ACTIVITY_TIMEOUT_S,
      heartbeatTimeoutSeconds: e.RISK_HEARTBEAT_TIMEOUT_S,
      windowYears: e.RISK_WINDOW_YEARS,
    },
    /** The synthetic reference grid loaded when the tables are empty (first start). */
    referenceData: { resolutionDeg: e.REFERENCE_GRID_RESOLUTION, seed: e.REFERENCE_GRID_SEED },
  }));

export type RiskSettings = z.output<typeof riskSettings>;
export type RiskTuning = RiskSettings['assessment'];
export type GridBatchTuning = RiskSettings['gridBatch'];
