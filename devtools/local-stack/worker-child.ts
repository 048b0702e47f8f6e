import path from 'node:path';
import type { Logger } from '../../src/infra/logger';
import { findFreePort } from '../../src/infra/net';
import { answeredByItself, spawnSupervised, untilReady, type SupervisedChild } from '../../src/infra/process/supervised-child';
import { WORKER_ALLOCATOR_ENV, WORKER_NODE_FLAGS } from '../../src/stack/worker-runtime';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * `npm start`'s workers: one process per pipeline's queue (src/bin/worker.ts --queue <name>) beside
 * the launcher that holds the API and the stand-ins, as docker-compose runs its worker services.
 * Each worker gets the allocator settings bench:etl measured (worker-runtime.ts), and its memory is
 * its own pipeline's: every Temporal worker that runs workflows holds a thread with a V8 isolate of
 * its own (about 35 MB idle), so one process for all six queues idled near 390 MB before any work.
 */
export interface WorkerChild {
  queue: string;
  pid(): number | undefined;
  /** Where it serves /metrics now (each start takes a fresh port). */
  metricsUrl(): string;
  /** Resolves with a message when the worker keeps dying and restarting it is given up. */
  failed: Promise<string>;
  stop(): Promise<void>;
}

/** A worker that dies this often within RESTART_WINDOW_MS is broken, not unlucky: stop everything. */
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;
const RESTART_DELAY_MS = 1_000;
/** Starts of one worker tried before giving up, each on a fresh port. */
const START_ATTEMPTS = 3;

/** The command line and environment of one queue's worker process, allocator settings included. */
export function workerCommand(queue: string, env: Record<string, string>): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  return {
    command: process.execPath,
    // tsx's CommonJS hook (the project compiles to CommonJS): `--import tsx` also starts an ESM
    // loader thread with an isolate of its own, about 24 MB more per process.
    // --supervised: the terminal's Ctrl-C reaches the whole process group; the launcher stops the
    // worker itself, after the API, so the worker leaves SIGINT to it (a second signal would cut
    // its graceful shutdown short).
    args: [...WORKER_NODE_FLAGS, '--require', 'tsx/cjs', 'src/bin/worker.ts', '--queue', queue, '--supervised'],
    // The allocator settings are defaults: one set in the launcher's environment is the user's choice.
    env: { ...WORKER_ALLOCATOR_ENV, ...process.env, ...env },
  };
}

/**
 * Starts `queue`'s worker with `env` (the addresses the launcher resolved) and waits until it
 * polls. A worker that exits unexpectedly (killed, out of memory) is started again; one that keeps
 * exiting resolves `failed`, and the launcher stops the stack with that message rather than serve
 * an API whose runs never move.
 */
export async function startWorkerChild(queue: string, env: Record<string, string>, logger: Logger, onOutput: (line: string) => void): Promise<WorkerChild> {
  const what = `the ${queue} worker process`;
  let child: SupervisedChild | undefined;
  let metricsPort = 0;
  let serving = false;
  let stopping = false;
  const exits: number[] = [];
  let fail: (message: string) => void = () => undefined;
  const failed = new Promise<string>((resolve) => (fail = resolve));

  const startOnce = async (): Promise<void> => {
    // Its own free port, picked anew on every start: a fixed one would clash with another stack on
    // the machine, or with a worker still finishing its activities after its launcher was killed;
    // and a port picked free can still be taken by another process before the worker binds it.
    metricsPort = await findFreePort();
    const cmd = workerCommand(queue, { ...env, WORKER_METRICS_PORT: String(metricsPort) });
    const started = spawnSupervised(cmd.command, cmd.args, { cwd: ROOT, env: cmd.env, onOutput });
    child = started;
    void started.exited.then((code) => {
      // A death during start-up is the start's to retry (below), not a restart's.
      if (stopping || child !== started || !serving) return;
      serving = false;
      const now = Date.now();
      exits.push(now);
      const recent = exits.filter((t) => now - t < RESTART_WINDOW_MS).length;
      const how = started.process.signalCode ? `signal ${started.process.signalCode}` : `code ${code}`;
      if (recent > MAX_RESTARTS) {
        fail(`${what} exited ${recent} times within ${RESTART_WINDOW_MS / 1000} s (last: ${how}); stopping everything`);
        return;
      }
      logger.error({ queue, pid: started.process.pid, code, signal: started.process.signalCode }, `${what} exited (${how}); starting it again`);
      setTimeout(() => {
        if (stopping) return;
        start().then(
          () => logger.info({ queue, pid: child?.process.pid }, `${what} started again`),
          (err: Error) => stopping || fail(`${what} could not be started again: ${err.message}`),
        );
      }, RESTART_DELAY_MS);
    });
    await untilReady(started, what, () => answeredByItself(started, `http://127.0.0.1:${metricsPort}/readyz`), 180_000);
    serving = true;
  };

  /** A worker that dies during start-up (its port taken meanwhile, say) is started again on a fresh port, a few times. */
  const start = async (): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await startOnce();
      } catch (err) {
        if (stopping || attempt >= START_ATTEMPTS) throw err;
        logger.warn({ queue, attempt, err: (err as Error).message }, `${what} did not start; trying again on a fresh port`);
      }
    }
  };

  await start();
  return {
    queue,
    pid: () => child?.process.pid,
    metricsUrl: () => `http://127.0.0.1:${metricsPort}/metrics`,
    failed,
    async stop() {
      stopping = true;
      // In-flight activities get the worker's shutdown grace (WORKER_SHUTDOWN_GRACE_MS) before SIGKILL.
      await child?.stop(60_000);
    },
  };
}

export interface WorkerChildren {
  children: WorkerChild[];
  /** The first child's give-up message. */
  failed: Promise<string>;
  stop(): Promise<void>;
}

/** One worker process per queue, started side by side; if one cannot start, those that did are stopped. */
export async function startWorkerChildren(queues: readonly string[], env: Record<string, string>, logger: Logger, onOutput: (line: string) => void): Promise<WorkerChildren> {
  const started = await Promise.allSettled(queues.map((q) => startWorkerChild(q, env, logger, onOutput)));
  const children = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stop = async () => {
    await Promise.all(children.map((c) => c.stop()));
  };
  const refused = started.find((r) => r.status === 'rejected');
  if (refused) {
    await stop();
    throw refused.reason;
  }
  return { children, failed: Promise.race(children.map((c) => c.failed)), stop };
}
