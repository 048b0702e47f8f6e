import os from 'node:os';
import path from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, Worker, makeTelemetryFilterString, type LogLevel, type WorkerInterceptors } from '@temporalio/worker';
import type { Pool } from 'pg';
import { temporalAddress, type Config, type QueueName } from '../config';
import { createActivities } from '../activities/shared/host';
import { ACTIVITY_FAILURE_CLASSIFIERS } from '../activities/shared/classifiers';
import { createFailureInterceptor } from '../activities/shared/failure-interceptor';
import type { Logger } from '../infra/logger';
import type { Metrics } from '../infra/metrics/registry';
import { findFreePort } from '../infra/net';
import { TemporalUnreachableError } from '../infra/temporal/client';
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
  queues: QueueName[];
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

/** `interceptors` exist for fault-injection tests; production passes none. */
export async function startWorkers(deps: WorkerDeps, queues: readonly QueueName[], opts: { interceptors?: WorkerInterceptors } = {}): Promise<RunningWorkers> {
  const { config, logger } = deps;
  const address = temporalAddress(config);
  const connection = await NativeConnection.connect({ address }).catch((err: Error) => {
    throw new TemporalUnreachableError(`TEMPORAL_ADDRESS: cannot reach a Temporal server at ${address} (${err.message})`);
  });
  const workerIdentity = `${os.hostname()}:${process.pid}`;
  const host = createActivities({ ...deps, workerIdentity }, queues);
  const codePath = config.worker.workflowBundlePath ?? (await cachedWorkflowBundlePath(path.join(config.dataDir, 'cache')));
  // Outermost, so whatever an activity (or a test's interceptor) throws is classified on the way out.
  const interceptors: WorkerInterceptors = { ...opts.interceptors, activity: [createFailureInterceptor(ACTIVITY_FAILURE_CLASSIFIERS), ...(opts.interceptors?.activity ?? [])] };

  const activityOnlyWorkers = host.activityQueues.map((q) =>
    Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: q.taskQueue,
      identity: `${workerIdentity}/${q.taskQueue}`,
      activities: q.activities,
      maxConcurrentActivityTaskExecutions: q.maxConcurrentActivities,
      shutdownGraceTime: config.worker.shutdownGraceMs,
      interceptors,
    }),
  );
  const workers = await Promise.all([
    ...activityOnlyWorkers,
    ...queues.map((queue) =>
      Worker.create({
        connection,
        namespace: config.temporal.namespace,
        taskQueue: config.queues[queue].taskQueue,
        identity: `${workerIdentity}/${queue}`,
        workflowBundle: { codePath },
        activities: host.activities[queue],
        maxConcurrentActivityTaskExecutions: config.queues[queue].maxConcurrentActivities,
        maxConcurrentWorkflowTaskExecutions: config.worker.maxConcurrentWorkflowTasks,
        maxCachedWorkflows: config.worker.maxCachedWorkflows,
        shutdownGraceTime: config.worker.shutdownGraceMs,
        interceptors,
      }),
    ),
  ]);
  logger.info({ queues: queues.map((q) => config.queues[q].taskQueue) }, 'workers polling');

  const done = Promise.all(workers.map((w) => w.run()))
    .then(() => undefined)
    .finally(async () => {
      await host.close();
      await connection.close();
      logger.info('workers stopped');
    });
  return {
    queues: [...queues],
    done,
    async shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}
