// What bench:etl reads about a process from Linux /proc.
import { readdirSync, readFileSync } from 'node:fs';

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

/** cpuSeconds, or 0 for a process that has ended (its CPU can no longer be read). */
export function cpuSecondsOrZero(pid: number): number {
  try {
    return cpuSeconds(pid);
  } catch {
    return 0;
  }
}

/** CPU seconds by pid of every process with this command name: PostgreSQL runs one per connection. */
export function cpuSecondsByPid(command: string): Map<number, number> {
  const found = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === command) found.set(Number(entry), cpuSeconds(Number(entry)));
    } catch {
      // The process ended while the list was read.
    }
  }
  return found;
}

/** CPU seconds the processes named `command` used since `before` (from cpuSecondsByPid); one started since counts whole. */
export function cpuSecondsSince(command: string, before: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of cpuSecondsByPid(command)) total += seconds - (before.get(pid) ?? 0);
  return total;
}

/** The parent of a process (its PPid), or undefined once it has ended. */
function parentPid(pid: number): number | undefined {
  try {
    const match = /^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The processes descended from `ancestor`, at this moment. */
export function descendantsOf(ancestor: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    for (let pid = parentPid(Number(entry)); pid !== undefined && pid > 1; pid = parentPid(pid)) {
      if (pid === ancestor) {
        found.push(Number(entry));
        break;
      }
    }
  }
  return found;
}
