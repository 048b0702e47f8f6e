import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';

test('the replay harness fails when workflow code changes incompatibly', async () => {
  const history = historyFromJSON(JSON.parse(readFileSync(path.join(__dirname, 'histories', 'system-check.json'), 'utf8')));
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./fixtures/changed-workflows'), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
  await assert.rejects(Worker.runReplayHistory({ workflowBundle }, history), DeterminismViolationError);
});
