// Phase breakdown for `bench:risk-scale`: the worker's /metrics (its own phase timings and the
// Temporal runtime's task latencies) read before and after a portfolio, the difference summed.

/** Sum of every `<name>` sample whose labels contain all of `match`, in a Prometheus text exposition. */
function sumOf(text: string, name: string, match: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labels = /\{(.*)\}/.exec(line)?.[1] ?? '';
    if (!Object.entries(match).every(([k, v]) => labels.includes(`${k}="${v}"`))) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** The worker's /metrics; a worker still starting is waited for (up to a minute). */
export async function scrape(metricsUrl: string): Promise<string> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await (await fetch(metricsUrl, { signal: AbortSignal.timeout(5000) })).text();
    } catch (err) {
      if (attempt >= 60) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** Temporal's core exports durations in ms (`…_latency`) or, when configured so, in seconds (`…_latency_seconds`). */
function latencySeconds(text: string, base: string, match: Record<string, string> = {}): { seconds: number; count: number } {
  const inSeconds = sumOf(text, `${base}_seconds_count`, match) > 0;
  const name = inSeconds ? `${base}_seconds` : base;
  return { seconds: sumOf(text, `${name}_sum`, match) / (inSeconds ? 1 : 1000), count: sumOf(text, `${name}_count`, match) };
}

export interface PhaseBreakdown {
  wallSeconds: number;
  /** Summed over every activity (seconds); `slots` run at once. */
  activitySeconds: number;
  activities: number;
  read: number;
  compute: number;
  write: number;
  /** H and P(H) written for grid points that had none stored (the first site on each point). */
  writeGrid: number;
  /** Activity tasks waiting between scheduled and started (queue wait for a free slot + Temporal dispatch). */
  activityQueueSeconds: number;
  workflowTaskSeconds: number;
  workflowTasks: number;
  workflowTaskQueueSeconds: number;
}

export function breakdown(before: string, after: string, wallSeconds: number): PhaseBreakdown {
  const delta = (f: (t: string) => number) => f(after) - f(before);
  const phase = (p: string) => delta((t) => sumOf(t, 'dp_risk_site_phase_seconds_sum', { phase: p }));
  const lat = (base: string) => ({
    seconds: delta((t) => latencySeconds(t, base).seconds),
    count: delta((t) => latencySeconds(t, base).count),
  });
  const exec = lat('temporal_activity_execution_latency');
  const wft = lat('temporal_workflow_task_execution_latency');
  return {
    wallSeconds,
    activitySeconds: exec.seconds,
    activities: exec.count,
    read: phase('read'),
    compute: phase('compute'),
    write: phase('write'),
    writeGrid: phase('write-grid'),
    activityQueueSeconds: lat('temporal_activity_schedule_to_start_latency').seconds,
    workflowTaskSeconds: wft.seconds,
    workflowTasks: wft.count,
    workflowTaskQueueSeconds: lat('temporal_workflow_task_schedule_to_start_latency').seconds,
  };
}

/** Rows for the bench table: per phase, seconds summed over tasks and that sum divided by the wall time (how many slots it kept busy). */
export function breakdownRows(label: string, b: PhaseBreakdown, slots: number): string[][] {
  const busy = (s: number) => `${s.toFixed(1)} s · ${(s / b.wallSeconds).toFixed(2)} busy`;
  const other = b.activitySeconds - b.read - b.compute - b.write - b.writeGrid;
  return [
    [`${label}: activities (${b.activities}), summed execution`, busy(b.activitySeconds), `${slots} activity slots`],
    [`${label}:   read inputs (site row, reference series, stored H/P(H))`, busy(b.read), ''],
    [`${label}:   compute (domain code)`, busy(b.compute), ''],
    [`${label}:   write grid H/P(H) (first site on a grid point)`, busy(b.writeGrid), ''],
    [`${label}:   write results (one transaction per group)`, busy(b.write), ''],
    [`${label}:   other activities (prepare, finish, paging) and overhead`, busy(other), ''],
    [`${label}: Temporal scheduling — activity schedule→start, summed`, busy(b.activityQueueSeconds), 'waiting for a slot or dispatch'],
    [`${label}: Temporal scheduling — workflow tasks (${b.workflowTasks}), summed execution`, busy(b.workflowTaskSeconds), ''],
    [`${label}: Temporal scheduling — workflow task schedule→start, summed`, busy(b.workflowTaskQueueSeconds), ''],
  ];
}
