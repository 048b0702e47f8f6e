// Records fresh histories from real runs into test/replay/histories: `npm run record-histories`.
// Runs under the test harness (real Temporal dev server, fresh database); each pipeline adds its scenarios.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { startTestStack, type TestStack } from '../support/stack';
import { HISTORY_SCENARIOS } from './scenarios';

const OUT_DIR = path.join(__dirname, 'histories');

async function save(temporal: Client, name: string, workflowId: string): Promise<void> {
  const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
  // The same proto3 JSON the Temporal CLI and Web UI export, so their downloads replay here too.
  writeFileSync(path.join(OUT_DIR, `${name}.json`), `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 1)}\n`);
}

async function main(): Promise<void> {
  mkdirSync(OUT_DIR, { recursive: true });
  const only = process.argv.slice(2);
  let stack: TestStack | undefined;
  try {
    stack = await startTestStack();
    for (const scenario of HISTORY_SCENARIOS) {
      if (only.length && !only.includes(scenario.name)) continue;
      const workflowIds = await scenario.run(stack);
      for (const [i, id] of workflowIds.entries()) await save(stack.temporal, workflowIds.length > 1 ? `${scenario.name}-${i + 1}` : scenario.name, id);
      console.log(`recorded ${scenario.name} (${workflowIds.length} workflow(s))`);
    }
  } finally {
    await stack?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
