import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/**
 * A child process that cannot outlive us. It runs under a tiny shell watchdog that holds a
 * pipe from this process on its stdin: when we exit for any reason, even SIGKILL, the pipe
 * closes and the watchdog terminates the child. Stopping it on purpose is the same move.
 */
// Background jobs of a non-interactive shell get /dev/null as stdin, hence the explicit fd 3.
const WATCHDOG = `exec 3<&0
"$@" </dev/null &
child=$!
( cat <&3 >/dev/null; kill -TERM $child 2>/dev/null ) &
wait $child`;

export interface SupervisedChild {
  process: ChildProcess;
  /** Resolves with the exit code once the child has exited. */
  exited: Promise<number | null>;
  stop(timeoutMs?: number): Promise<void>;
}

export function spawnSupervised(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; onOutput?: (line: string) => void },
): SupervisedChild {
  const child = spawn('sh', ['-c', WATCHDOG, 'watchdog', command, ...args], {
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) options.onOutput?.(line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const exited = once(child, 'exit').then(([code]) => code as number | null);

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
 * For a process someone else spawned (e.g. a library): a watchdog that sends `signal` to `pid`
 * once this process is gone, by the same closed-pipe trick. Returns a function that disarms it.
 */
export function killWhenWeDie(pid: number, signal: 'INT' | 'TERM' = 'TERM'): () => void {
  const watchdog = spawn('sh', ['-c', `cat >/dev/null; kill -${signal} ${pid} 2>/dev/null`], { stdio: ['pipe', 'ignore', 'ignore'] });
  watchdog.unref();
  return () => watchdog.kill('SIGKILL');
}
