// Records fresh histories from real runs into test/replay/histories: `npm run record-histories [scenario…]`.
// Runs under the test harness (real Temporal dev server, fresh database); each pipeline adds its scenarios.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { startTestStack, testConfig } from '../support/stack';
import { startSampleVideoHost } from '../../devtools/sample-video-host';
import { startFakeSttVendor, sttEnv } from '../support/stt';
import { feedbackEnv, startFakeModelServer } from '../support/feedback';
import { MANIFEST, readManifest } from './manifest';
import { HISTORY_SCENARIOS } from './scenarios';

const OUT_DIR = path.join(__dirname, 'histories');

async function save(temporal: Client, name: string, workflowId: string, runId?: string): Promise<void> {
  // Without a run id, the latest run of a chain that continued as new.
  const history = await temporal.workflow.getHandle(workflowId, runId).fetchHistory();
  // The same proto3 JSON the Temporal CLI and Web UI export, so their downloads replay here too.
  writeFileSync(path.join(OUT_DIR, `${name}.json`), `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 1)}\n`);
  // Histories do not carry their workflow id, and workflows derive child ids from it.
  const manifest = readManifest(OUT_DIR);
  manifest[`${name}.json`] = workflowId;
  writeFileSync(path.join(OUT_DIR, MANIFEST), `${JSON.stringify(manifest, Object.keys(manifest).sort(), 1)}\n`);
}

async function main(): Promise<void> {
  mkdirSync(OUT_DIR, { recursive: true });
  const only = process.argv.slice(2);
  for (const scenario of HISTORY_SCENARIOS) {
    if (only.length && !only.includes(scenario.name)) continue;
    const vendor = scenario.vendor ? await startFakeSttVendor(scenario.vendor) : undefined;
    const videoHost = scenario.videoHost ? await startSampleVideoHost(scenario.videoHost) : undefined;
    const modelServer = scenario.modelServer ? await startFakeModelServer(scenario.modelServer) : undefined;
    const env = { ...(vendor ? sttEnv(vendor) : {}), ...(videoHost ? { FETCH_ALLOW_HOSTS: '127.0.0.1:*' } : {}), ...(modelServer ? feedbackEnv(modelServer) : {}), ...scenario.env };
    const config = vendor || videoHost || modelServer || scenario.env ? testConfig(env) : scenario.stack?.config;
    const stack = await startTestStack({ ...scenario.stack, config });
    try {
      const recorded = await scenario.run(stack, { vendor, videoHost, modelServer });
      for (const [name, workflowId, runId] of recorded) await save(stack.temporal, name, workflowId, runId);
      console.log(`recorded ${scenario.name}: ${recorded.map(([name]) => name).join(', ')}`);
    } finally {
      await stack.stop();
      await vendor?.stop();
      await videoHost?.stop();
      await modelServer?.stop();
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
