// The processes bench:etl measures (Linux /proc). The ETL worker runs in a process of its own so
// its memory and CPU are its own. By default (BENCH_ETL_WORKER=launcher) it is the worker process
// `npm start` runs for the etl queue: devtools/local-stack/start.ts, started as package.json starts
// it and pointed at the bench's Temporal, database and object store, runs the API and the stand-ins
// itself and one worker process per queue (worker-child.ts, with worker-runtime.ts's settings); the
// etl one is measured, the launcher's own CPU is counted beside it. BENCH_ETL_WORKER=compiled compiles
// the worker to JavaScript and runs `node dist/bin/worker.js --queue etl` as the production image
// does (no compiler, one queue); BENCH_ETL_WORKER=tsx runs `src/bin/worker.ts --queue etl`.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { Config } from '../src/config';
import { findFreePort } from '../src/infra/net';
import { taskQueueVariable } from '../src/pipelines/definition';
import { ANY_PIPELINES } from '../src/pipelines';
import { WORKER_ALLOCATOR_ENV, WORKER_NODE_FLAGS } from '../src/stack/worker-runtime';
import { workerCommand } from '../devtools/local-stack/worker-child';
import { spawnWorker, type WorkerProcess } from '../test/support/worker-process';

const ROOT = path.resolve(__dirname, '..');
// Inside the project, so the compiled files resolve node_modules like dist/ does.
const OUT_DIR = path.join(ROOT, '.data', 'bench-worker');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** `tsc -p tsconfig.build.json` without the type check: src → .data/bench-worker, with the files it reads at run time (migrations, seed data). */
function compile(): string {
  rmSync(OUT_DIR, { recursive: true, force: true });
  const srcDir = path.join(ROOT, 'src');
  const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
  for (const file of sources(srcDir)) {
    const out = path.join(OUT_DIR, path.relative(srcDir, file)).replace(/\.ts$/, '.js');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions, fileName: file }).outputText);
  }
  cpSync(srcDir, OUT_DIR, { recursive: true, filter: (file) => !file.endsWith('.ts') });
  return path.join(OUT_DIR, 'bin', 'worker.js');
}

export interface BenchWorker extends WorkerProcess {
  kind: string;
  /** Output that says the worker polls. */
  readyMarker: string;
  /** The processes to measure once ready: the worker's (RSS and CPU), and others whose CPU counts beside it. */
  pids(): { worker: number; others: Record<string, number> };
}

function watch(child: ChildProcess, kind: string): BenchWorker {
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, output: () => out, exited: () => exit, kind, readyMarker: 'workers polling', pids: () => ({ worker: child.pid!, others: {} }) };
}

/** `npm start` on the bench's services: it starts neither Temporal, PostgreSQL nor a fake vendor. */
async function startLauncher(config: Config, env: Record<string, string>): Promise<BenchWorker> {
  const queues = Object.fromEntries(ANY_PIPELINES.map((p) => [taskQueueVariable(p), config.pipelines[p.name].queue.taskQueue]));
  const args = ['--import', 'tsx', 'devtools/local-stack/start.ts'];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      ...queues,
      API_PORT: String(await findFreePort()),
      SAMPLE_VIDEO_HOST_PORT: '0',
      STT_VENDOR_URL: 'http://127.0.0.1:9',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { args: workerArgs, env: workerEnv } = workerCommand('etl', {});
  const allocator = Object.keys(WORKER_ALLOCATOR_ENV).map((k) => `${k}=${workerEnv[k]}`);
  const watched = watch(child, `npm start's worker process: ${allocator.join(' ')} node ${workerArgs.join(' ')}`);
  return {
    ...watched,
    // The banner names the worker process once it polls.
    readyMarker: 'durable-pipelines is up',
    pids() {
      const match = /^ +etl +process (\d+)/m.exec(watched.output());
      if (!match) throw new Error(`npm start's banner names no etl worker process:\n${watched.output()}`);
      return { worker: Number(match[1]), others: { launcher: child.pid! } };
    },
  };
}

let compiled: string | undefined;

export async function startEtlWorker(config: Config, env: Record<string, string>): Promise<BenchWorker> {
  const kind = process.env.BENCH_ETL_WORKER ?? 'launcher';
  if (kind === 'launcher') return startLauncher(config, env);
  if (kind === 'tsx') {
    const spawned = spawnWorker(config, ['--queue', 'etl'], env);
    return { ...spawned, kind: 'tsx, etl queue only', readyMarker: 'workers polling', pids: () => ({ worker: spawned.child.pid!, others: {} }) };
  }
  if (kind !== 'compiled') throw new Error(`BENCH_ETL_WORKER: launcher, compiled or tsx, not ${kind}`);
  compiled ??= compile();
  const child = spawn(process.execPath, [...WORKER_NODE_FLAGS, compiled, '--queue', 'etl'], {
    cwd: ROOT,
    env: { ...process.env, ...WORKER_ALLOCATOR_ENV, TASK_QUEUE_ETL: config.pipelines.etl.queue.taskQueue, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return watch(child, 'compiled JavaScript, etl queue only, as the production image runs it');
}

/** The Temporal dev server `npm test` started (listening on TEMPORAL_ADDRESS's port), if any. */
export function temporalServerPid(): number | undefined {
  const port = process.env.TEMPORAL_ADDRESS?.split(':').pop();
  if (!port) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // gone meanwhile, or not ours to read
    }
    // The CLI itself, not the shell that supervises it (its command line carries the same words).
    if (path.basename(args[0]) === 'temporal' && args.includes('start-dev') && args[args.indexOf('--port') + 1] === port) return Number(entry);
  }
  return undefined;
}
