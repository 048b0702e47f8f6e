import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestStack, testConfig, waitUntil } from '../../support/stack';
import { startFakeSttVendor, sttEnv, upload, wav, waitForTranscription } from '../../support/stt';
import { spawnWorker } from '../../support/worker-process';

test('a worker killed with SIGKILL while polling: a new worker resumes the same vendor job, submitted once', { timeout: 120_000 }, async () => {
  const vendor = await startFakeSttVendor({ processingMs: 4_000 });
  const env = sttEnv(vendor);
  const stack = await startTestStack({ config: testConfig(env), queues: false });
  try {
    const workerEnv = { ...env, STORAGE_DIR: stack.config.storage.rootDir };
    const first = spawnWorker(stack.config, ['--queue', 'stt'], workerEnv);
    const { body } = await upload(stack, { bytes: wav(900), name: 'long-call.wav' }, { key: 'kill-while-polling' });
    await waitUntil('polling', async () => vendor.admin.stats().polls.total >= 2, 30_000);
    first.child.kill('SIGKILL');
    await first.exited();
    assert.equal(vendor.admin.stats().jobs.resultsFetched, 0, 'killed before the result was fetched');

    const second = spawnWorker(stack.config, ['--queue', 'stt'], workerEnv);
    try {
      const view = await waitForTranscription(stack, body.id, 'COMPLETED', 90_000);
      assert.ok(view.vendorJobId);
      const stats = vendor.admin.stats();
      assert.equal(stats.submits.byFilename[`${body.id}.wav`], 1);
      assert.equal(stats.submits.total, 1);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited();
    }
  } finally {
    await stack.stop();
    await vendor.stop();
  }
});

test('a worker killed inside a poll that hangs: the heartbeat timeout, not the 2-minute call timeout, hands the poll to a new worker', { timeout: 150_000 }, async () => {
  const vendor = await startFakeSttVendor({ processingMs: 1_000 });
  const env = sttEnv(vendor);
  const stack = await startTestStack({ config: testConfig(env), queues: false });
  try {
    const workerEnv = { ...env, STORAGE_DIR: stack.config.storage.rootDir };
    const first = spawnWorker(stack.config, ['--queue', 'stt'], workerEnv);
    vendor.admin.configure({ hang: 'poll' });
    const { body } = await upload(stack, { bytes: wav(901), name: 'hung-poll.wav' }, { key: 'kill-inside-poll' });
    await waitUntil('a poll hanging at the vendor', async () => vendor.admin.stats().hungRequests >= 1, 30_000);
    // Long enough for the poll to have heartbeated: the attempt is known to be alive, then it is not.
    await new Promise((r) => setTimeout(r, 3_000));
    first.child.kill('SIGKILL');
    await first.exited();
    const killedAt = Date.now();
    vendor.admin.configure({ hang: 'off' });

    const second = spawnWorker(stack.config, ['--queue', 'stt'], workerEnv);
    try {
      await waitForTranscription(stack, body.id, 'COMPLETED', 110_000);
      const seconds = (Date.now() - killedAt) / 1000;
      assert.ok(seconds < 60, `resumed ${seconds.toFixed(1)} s after the kill: within the 20 s heartbeat timeout (+ retry and start-up), not after 120 s`);
      assert.equal(vendor.admin.stats().submits.byFilename[`${body.id}.wav`], 1);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited();
    }
  } finally {
    await stack.stop();
    await vendor.stop();
  }
});
