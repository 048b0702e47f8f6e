import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import type { Config } from '../../src/config';
import { taskQueueVariable } from '../../src/pipelines/definition';
import { ANY_PIPELINES } from '../../src/pipelines';

const ROOT = path.resolve(__dirname, '..', '..');

/** The real worker entry point in its own process, so tests can SIGTERM or SIGKILL it. */
export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  exited(): Promise<number | null>;
}

/** The worker polls the stack's own queues (schedule ids follow the queue names). */
export function spawnWorker(config: Config, args: string[], env: Record<string, string> = {}): WorkerProcess {
  const queues = Object.fromEntries(ANY_PIPELINES.map((p) => [taskQueueVariable(p), config.pipelines[p.name].queue.taskQueue]));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/bin/worker.ts', ...args], {
    cwd: ROOT,
    // Several test runs share this machine: a fixed metrics port would let one run's worker block another's.
    env: { ...process.env, WORKER_METRICS_PORT: '0', ...queues, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  return { child, output: () => out, exited: () => exit };
}
