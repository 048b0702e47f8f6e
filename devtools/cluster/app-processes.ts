import { answeredByItself, spawnSupervised, untilReady, type SupervisedChild } from '../../src/infra/process/supervised-child';
import { ROOT } from './temporal-database';

/**
 * One process of the topology (the Temporal server, its UI, an API, a worker): it can be killed
 * and started again with the same command and environment, as a container would be restarted.
 */
export interface ClusterProcess {
  name: string;
  /** The running process, for tests that signal it. */
  current(): SupervisedChild;
  /** Starts it (again, after it died) and waits until it is ready. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterProcessOptions {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Answers true once the process serves. */
  ready: (child: SupervisedChild) => Promise<true | undefined>;
  readyTimeoutMs?: number;
  /** How long SIGTERM may take before SIGKILL (workers finish in-flight activities meanwhile). */
  stopTimeoutMs?: number;
  onOutput?: (name: string, line: string) => void;
  /** Called when the process ends without stop() being called: crashes and kills. */
  onUnexpectedExit?: (name: string, code: number | null, signal: NodeJS.Signals | null) => void;
}

export function clusterProcess(opts: ClusterProcessOptions): ClusterProcess {
  let child: SupervisedChild | undefined;
  let stopping = false;
  return {
    name: opts.name,
    current() {
      if (!child) throw new Error(`${opts.name} has not been started`);
      return child;
    },
    async start() {
      stopping = false;
      const started = spawnSupervised(opts.command, opts.args, { cwd: ROOT, env: opts.env, onOutput: (line) => opts.onOutput?.(opts.name, line) });
      child = started;
      void started.exited.then((code) => {
        if (!stopping && child === started) opts.onUnexpectedExit?.(opts.name, code, started.process.signalCode);
      });
      await untilReady(started, opts.name, () => opts.ready(started), opts.readyTimeoutMs ?? 180_000);
    },
    async stop() {
      stopping = true;
      await child?.stop(opts.stopTimeoutMs ?? 30_000);
    },
  };
}

/** Answers true once `url` answers 200. */
export const answers200 = (url: string) => async () => ((await fetch(url)).ok ? (true as const) : undefined);

/**
 * One of the project's own production entry points (src/bin/api.ts, src/bin/worker.ts) in a
 * process of its own, as a container would run it.
 */
export function appProcess(opts: Omit<ClusterProcessOptions, 'command' | 'ready'> & { readyUrl: string }): ClusterProcess {
  return clusterProcess({
    ...opts,
    command: process.execPath,
    args: ['--import', 'tsx', ...opts.args],
    ready: (child) => answeredByItself(child, opts.readyUrl),
    // Workers finish in-flight activities within WORKER_SHUTDOWN_GRACE_MS on SIGTERM.
    stopTimeoutMs: 60_000,
  });
}
