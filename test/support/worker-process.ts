import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import type { Config } from '../../src/config';

const ROOT = path.resolve(__dirname, '..', '..');

/** The real worker entry point in its own process, so tests can SIGTERM or SIGKILL it. */
export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  exited(): Promise<number | null>;
}

export function spawnWorker(config: Config, args: string[], env: Record<string, string> = {}): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/bin/worker.ts', ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      TASK_QUEUE_RISK: config.queues.risk.taskQueue,
      TASK_QUEUE_STT: config.queues.stt.taskQueue,
      TASK_QUEUE_ETL: config.queues.etl.taskQueue,
      RISK_BATCH_SCHEDULE_ID: config.riskBatch.scheduleId,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  return { child, output: () => out, exited: () => exit };
}
