import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { z } from 'zod';
import type { ActivityDeps, HostedActivities } from '../activities/shared/deps';
import type { FailureClassifier } from '../activities/shared/failure-interceptor';
import type { ApiDeps } from '../api/shared/deps';
import type { RouteSpec } from '../api/shared/route';
import type { ListedRunKinds } from '../api/shared/run-list';
import type { Logger } from '../infra/logger';

/** The task queue a pipeline's workers poll, and how many of its activities one worker runs at once. */
export interface QueueSettings {
  taskQueue: string;
  maxConcurrentActivities: number;
}

/** Every pipeline's settings carry its queue; the rest is its own. */
export interface BaseSettings {
  queue: QueueSettings;
}

/**
 * Everything the platform needs to know about one pipeline. The API, the worker host, the
 * launcher, the test stack, the OpenAPI document and the deployment checks iterate these
 * definitions; no other file lists pipelines.
 */
export interface PipelineDefinition<N extends string = string, S extends BaseSettings = BaseSettings> {
  /** Short id: the `DpPipeline` search attribute, `--queue` argument and compose `worker-<name>` service. */
  name: N;
  /** Heading of the pipeline's README section. */
  title: string;
  /** Environment slice → typed settings (`z.output` gives the type). */
  settings: z.ZodPipe<z.ZodObject, z.ZodTransform<S, any>>;
  /** Module (without extension) that exports exactly this pipeline's workflows; the bundle is built from these. */
  workflowsModule: string;
  /** Workflow type names that module exports (replay histories and docs are checked against it). */
  workflowTypes: readonly string[];
  /** Activities for this pipeline's queue (and any activity-only queues it needs). */
  activities(deps: ActivityDeps, settings: S): HostedActivities;
  /** Maps the pipeline's typed errors to the failure vocabulary (the worker's failure interceptor asks every pipeline). */
  classifyFailure?: FailureClassifier;
  /** Registered on every pipeline's queue as well as its own (the system check probes each queue). */
  activitiesOnEveryQueue?: boolean;
  /** The pipeline's `/api` routes. */
  routes(deps: ApiDeps, settings: S): RouteSpec[];
  /** How `GET /api/runs` shows the pipeline's top-level workflow types (by type name): each run's job and progress. */
  listedRuns?(deps: ApiDeps, settings: S): ListedRunKinds;
  /** First-start work on an empty database (e.g. reference data); idempotent, run by launchers before the API starts. */
  prepareDatabase?(pool: Pool, settings: S, log: (message: string) => void): Promise<void>;
  /**
   * Temporal Schedules the pipeline's workers make sure exist as configured, and any scheduled work
   * a first start needs (idempotent, at worker start, before the workers poll).
   */
  ensureSchedules?(client: Client, settings: S, logger: Logger, pool: Pool): Promise<void>;
}

/** Keeps each definition's settings type attached to its own functions. */
export function definePipeline<const N extends string, S extends BaseSettings>(definition: PipelineDefinition<N, S>): PipelineDefinition<N, S> {
  return definition;
}

/** The environment variable naming a pipeline's task queue (each slice has exactly one `TASK_QUEUE_*`). */
export function taskQueueVariable(pipeline: Pick<PipelineDefinition, 'name' | 'settings'>): string {
  const names = Object.keys(pipeline.settings.in.shape).filter((name) => name.startsWith('TASK_QUEUE_'));
  if (names.length !== 1) throw new Error(`pipeline ${pipeline.name}: its settings need exactly one TASK_QUEUE_* variable, found ${names.length}`);
  return names[0];
}
