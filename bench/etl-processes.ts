// The processes bench:etl measures (Linux /proc). The ETL worker runs in a process of its own so
// its memory and CPU are its own. By default it is compiled to JavaScript first and run with plain
// node, as the Dockerfile runs it in production: under tsx the same worker idles about 50 MB higher
// (the compiler lives in the process). BENCH_ETL_WORKER=tsx runs `node --import tsx src/bin/worker.ts`.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { Config } from '../src/config';
import { spawnWorker, type WorkerProcess } from '../test/support/worker-process';

const ROOT = path.resolve(__dirname, '..');
// Inside the project, so the compiled files resolve node_modules like dist/ does.
const OUT_DIR = path.join(ROOT, '.data', 'bench-worker');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

/** `tsc -p tsconfig.build.json` without the type check: src → .data/bench-worker, migrations beside. */
function compile(): string {
  rmSync(OUT_DIR, { recursive: true, force: true });
  const srcDir = path.join(ROOT, 'src');
  const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
  for (const file of sources(srcDir)) {
    const out = path.join(OUT_DIR, path.relative(srcDir, file)).replace(/\.ts$/, '.js');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions, fileName: file }).outputText);
  }
  cpSync(path.join(srcDir, 'infra', 'db', 'migrations'), path.join(OUT_DIR, 'infra', 'db', 'migrations'), { recursive: true });
  return path.join(OUT_DIR, 'bin', 'worker.js');
}

let compiled: string | undefined;

export function startEtlWorker(config: Config, env: Record<string, string>): WorkerProcess & { kind: string } {
  if (process.env.BENCH_ETL_WORKER === 'tsx') return { ...spawnWorker(config, ['--queue', 'etl'], env), kind: 'tsx' };
  compiled ??= compile();
  const child = spawn(process.execPath, [compiled, '--queue', 'etl'], {
    cwd: ROOT,
    env: { ...process.env, TASK_QUEUE_ETL: config.pipelines.etl.queue.taskQueue, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, output: () => out, exited: () => exit, kind: 'compiled JavaScript' };
}

/** The peak resident set of a process so far, in MB. */
export function peakRssMb(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmHWM for process ${pid}`);
  return Number(match[1]) / 1024;
}

// USER_HZ: 100 on every Linux the project runs on.
const CLOCK_TICKS = 100;

/** User and system CPU seconds a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
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
