import os from 'node:os';
import path from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, Worker, makeTelemetryFilterString, type LogLevel, type WorkerInterceptors } from '@temporalio/worker';
import type { Pool } from 'pg';
import { classifyDatabaseFailure } from '../activities/shared/database-failures';
import type { ActivityOnlyQueue, HostedActivities } from '../activities/shared/deps';
import { createFailureInterceptor, type FailureClassifier } from '../activities/shared/failure-interceptor';
import type { Config } from '../config';
import { ANY_PIPELINES, type AnyPipeline } from '../pipelines';
import type { Logger } from '../infra/logger';
import type { Metrics } from '../infra/metrics/registry';
import { findFreePort } from '../infra/net';
import { temporalAddress, TemporalUnreachableError } from '../infra/temporal/client';
import { cachedWorkflowBundlePath } from './workflow-bundle';

let runtimeInstalled = false;

/**
 * The Temporal runtime is process-wide and must be installed before the first connection.
 * Its Prometheus exporter listens on an internal port; our /metrics appends what it serves.
 */
export async function installTemporalRuntime(metrics: Metrics, logger: Logger): Promise<void> {
  if (runtimeInstalled) return;
  const port = await findFreePort();
  Runtime.install({
    // SDK and workflow/activity context logs (with their workflow and activity ids) go out as our JSON lines.
    logger: new DefaultLogger(sdkLogLevel(logger.level), ({ level, message, meta }) => {
      logger[level === 'TRACE' ? 'trace' : (level.toLowerCase() as 'debug' | 'info' | 'warn' | 'error')](meta ?? {}, message);
    }),
    // We drive shutdown ourselves so the launcher can stop API, workers and servers in order.
    shutdownSignals: [],
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      metrics: { prometheus: { bindAddress: `127.0.0.1:${port}` } },
    },
  });
  metrics.temporalRuntimeUrl = `http://127.0.0.1:${port}/metrics`;
  runtimeInstalled = true;
}

function sdkLogLevel(level: string): LogLevel {
  const map: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR', fatal: 'ERROR' };
  return map[level] ?? 'ERROR';
}

export interface RunningWorkers {
  pipelines: string[];
  /** Resolves when every worker has stopped. */
  done: Promise<void>;
  /** Stops polling and waits for in-flight activities up to the grace period. */
  shutdown(): Promise<void>;
}

export interface WorkerDeps {
  config: Config;
  pool: Pool;
  logger: Logger;
}

/** Every pipeline's classifier, then PostgreSQL's, which any activity may meet. First match wins. */
const FAILURE_CLASSIFIERS: readonly FailureClassifier[] = [...ANY_PIPELINES.flatMap((p) => (p.classifyFailure ? [p.classifyFailure] : [])), classifyDatabaseFailure];

interface QueueToServe {
  taskQueue: string;
  maxConcurrentActivities: number;
  activities: object;
  /** False for activity-only queues. */
  workflows: boolean;
}

/**
 * What each served queue carries: the pipeline's own activities plus those every queue answers
 * (the system check), and any activity-only queues the pipeline asked for.
 */
function queuesToServe(deps: WorkerDeps, workerIdentity: string, pipelines: readonly AnyPipeline[]): { queues: QueueToServe[]; hosted: HostedActivities[] } {
  const activityDeps = { config: deps.config, pool: deps.pool, logger: deps.logger, workerIdentity };
  const host = (p: AnyPipeline) => p.activities(activityDeps, deps.config.pipelines[p.name]);
  const everywhere = ANY_PIPELINES.filter((p) => p.activitiesOnEveryQueue).map(host);
  const hosted: HostedActivities[] = [...everywhere];
  const queues: QueueToServe[] = [];
  for (const p of pipelines) {
    const own = p.activitiesOnEveryQueue ? undefined : host(p);
    if (own) hosted.push(own);
    const activities = Object.assign({}, ...everywhere.map((h) => h.activities), own?.activities);
    queues.push({ ...deps.config.pipelines[p.name].queue, activities, workflows: true });
    for (const q of own?.activityQueues ?? ([] as ActivityOnlyQueue[])) queues.push({ ...q, workflows: false });
  }
  return { queues, hosted };
}

/** `interceptors` exist for fault-injection tests; production passes none. */
export async function startWorkers(deps: WorkerDeps, pipelines: readonly AnyPipeline[], opts: { interceptors?: WorkerInterceptors } = {}): Promise<RunningWorkers> {
  const { config, logger } = deps;
  const address = temporalAddress(config);
  const connection = await NativeConnection.connect({ address }).catch((err: Error) => {
    throw new TemporalUnreachableError(`TEMPORAL_ADDRESS: cannot reach a Temporal server at ${address} (${err.message})`);
  });
  const workerIdentity = `${os.hostname()}:${process.pid}`;
  const { queues, hosted } = queuesToServe(deps, workerIdentity, pipelines);
  const codePath = config.worker.workflowBundlePath ?? (await cachedWorkflowBundlePath(path.join(config.dataDir, 'cache')));
  // Outermost, so whatever an activity (or a test's interceptor) throws is classified on the way out.
  const interceptors: WorkerInterceptors = { ...opts.interceptors, activity: [createFailureInterceptor(FAILURE_CLASSIFIERS), ...(opts.interceptors?.activity ?? [])] };

  const workers = await Promise.all(
    queues.map((q) =>
      Worker.create({
        connection,
        namespace: config.temporal.namespace,
        taskQueue: q.taskQueue,
        identity: `${workerIdentity}/${q.taskQueue}`,
        activities: q.activities,
        maxConcurrentActivityTaskExecutions: q.maxConcurrentActivities,
        shutdownGraceTime: config.worker.shutdownGraceMs,
        interceptors,
        ...(q.workflows
          ? {
              workflowBundle: { codePath },
              maxConcurrentWorkflowTaskExecutions: config.worker.maxConcurrentWorkflowTasks,
              maxCachedWorkflows: config.worker.maxCachedWorkflows,
            }
          : {}),
      }),
    ),
  );
  logger.info({ queues: queues.map((q) => q.taskQueue) }, 'workers polling');

  const done = Promise.all(workers.map((w) => w.run()))
    .then(() => undefined)
    .finally(async () => {
      for (const h of hosted) await h.close?.();
      await connection.close();
      logger.info('workers stopped');
    });
  return {
    pipelines: pipelines.map((p) => p.name),
    done,
    async shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}
