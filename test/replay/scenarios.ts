import type { TestStack } from '../support/stack';

/** A real run whose history is worth keeping: returns the ids of the workflows to record. */
export interface HistoryScenario {
  name: string;
  run(stack: TestStack): Promise<string[]>;
}

export const HISTORY_SCENARIOS: HistoryScenario[] = [
  {
    name: 'system-check',
    async run(stack) {
      const workflowId = `check-replay-${Date.now()}`;
      await stack.temporal.workflow.execute('systemCheckWorkflow', {
        workflowId,
        taskQueue: stack.config.queues.risk.taskQueue,
        args: [workflowId],
      });
      return [workflowId];
    },
  },
];
