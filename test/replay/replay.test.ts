import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { MANIFEST, readManifest } from './manifest';

// Every recorded history must replay against today's workflow code: a failure here means a
// change would break running workflows and needs `patched()`.
const HISTORIES_DIR = path.join(__dirname, 'histories');
const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json') && f !== MANIFEST).sort();
const workflowIds = readManifest(HISTORIES_DIR);

test('there are recorded histories to replay', () => {
  assert.ok(files.length > 0, `no histories under ${HISTORIES_DIR}; run npm run record-histories`);
});

test('every recorded history replays without nondeterminism', async () => {
  const codePath = process.env.WORKFLOW_BUNDLE_PATH;
  assert.ok(codePath, 'WORKFLOW_BUNDLE_PATH is set by npm test');
  const histories = files.map((file) => ({ workflowId: workflowIds[file] ?? file, history: historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8'))) }));
  const failures: string[] = [];
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath } }, histories)) {
    replayed += 1;
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);

  }
  assert.equal(replayed, files.length);
  assert.deepEqual(failures, []);
});
