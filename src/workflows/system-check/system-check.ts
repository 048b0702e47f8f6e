import { proxyActivities, setCurrentDetails } from '@temporalio/workflow';
import type { SystemCheckActivities, SystemCheckResult } from '../../activities/system-check';

const { recordSystemCheck } = proxyActivities<SystemCheckActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '5 seconds', maximumAttempts: 5 },
  summary: 'record that a worker on this queue reached PostgreSQL',
});

/** End-to-end probe of one task queue: Temporal → worker → activity → PostgreSQL. */
export async function systemCheckWorkflow(checkId: string): Promise<SystemCheckResult> {
  setCurrentDetails(`checking queue worker for **${checkId}**`);
  const result = await recordSystemCheck(checkId);
  setCurrentDetails(`done: worker \`${result.worker}\` wrote the check row`);
  return result;
}
