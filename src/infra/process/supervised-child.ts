import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { waitFor } from '../net';

/**
 * A child process that cannot outlive us. A tiny shell starts a guard that holds a pipe from this
 * process, then execs the command, so the command keeps the shell's pid (signals sent to
 * `process` reach it directly, SIGKILL included). When we exit for any reason, even SIGKILL, the
 * pipe closes and the guard terminates the command. Stopping it on purpose is the same move.
 */
// Background jobs of a non-interactive shell get /dev/null as stdin, hence the explicit fd 3,
// which the command itself does not inherit.
const WATCHDOG = `exec 3<&0
( cat <&3; kill -TERM $$ ) >/dev/null 2>&1 &
exec "$@" </dev/null 3<&-`;

export interface SupervisedChild {
  process: ChildProcess;
  /** Resolves with the exit code once the child has exited. */
  exited: Promise<number | null>;
  stop(timeoutMs?: number): Promise<void>;
}

export function spawnSupervised(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; onOutput?: (line: string) => void },
): SupervisedChild {
  const child = spawn('sh', ['-c', WATCHDOG, 'watchdog', command, ...args], {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) options.onOutput?.(line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  // A command that ended by itself releases its guard at once.
  void exited.then(() => child.stdin?.end());

  return {
    process: child,
    exited,
    async stop(timeoutMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Waits until `probe` answers (true) while the child keeps running; a child that exits first, or
 * never gets ready, is stopped and the start-up fails with what happened.
 */
export async function untilReady(child: SupervisedChild, what: string, probe: () => Promise<true | undefined>, timeoutMs: number, intervalMs = 250): Promise<void> {
  try {
    await Promise.race([
      waitFor(what, probe, timeoutMs, intervalMs),
      child.exited.then((code) => {
        throw new Error(`${what} exited with code ${code} during start-up`);
      }),
    ]);
  } catch (err) {
    await child.stop();
    throw err;
  }
}

/**
 * Answers true once `readyUrl` answers 200 with the child's own pid (our API's and worker's
 * `/readyz` say it). A port picked free before the child started may have been taken by another
 * process since: that one's answer must not pass for the child's.
 */
export async function answeredByItself(child: SupervisedChild, readyUrl: string): Promise<true | undefined> {
  const res = await fetch(readyUrl);
  if (!res.ok) return undefined;
  const { pid } = (await res.json().catch(() => ({}))) as { pid?: unknown };
  return pid === child.process.pid ? true : undefined;
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * For a process someone else spawned (e.g. a library): a watchdog that sends `signal` to `pid`
 * once this process is gone, by the same closed-pipe trick. Returns a function that disarms it.
 */
export function killWhenWeDie(pid: number, signal: 'INT' | 'TERM' = 'TERM'): () => void {
  const watchdog = spawn('sh', ['-c', `cat >/dev/null; kill -${signal} ${pid} 2>/dev/null`], { stdio: ['pipe', 'ignore', 'ignore'] });
  watchdog.unref();
  return () => watchdog.kill('SIGKILL');
}
