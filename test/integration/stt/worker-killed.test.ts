import assert from 'node:assert/strict';
import { test } from 'node:test';
import { temporal } from '@temporalio/proto';
import { startTestStack, testConfig, waitUntil } from '../../support/stack';
import { startFakeSttVendor, sttEnv, upload, wav, waitForTranscription } from '../../support/stt';
import { spawnWorker, type WorkerProcess } from '../../support/worker-process';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
type Vendor = Awaited<ReturnType<typeof startFakeSttVendor>>;

/** A stack whose STT work runs only in worker processes this test starts (and may kill). */
async function withWorkerProcesses(processingMs: number, body: (stack: Stack, vendor: Vendor, spawnSttWorker: () => WorkerProcess) => Promise<void>): Promise<void> {
  const vendor = await startFakeSttVendor({ processingMs });
  const env = sttEnv(vendor);
  const stack = await startTestStack({ config: testConfig(env), queues: false });
  const workerEnv = { ...env, STORAGE_DIR: stack.config.storage.rootDir };
  try {
    await body(stack, vendor, () => spawnWorker(stack.config, ['--queue', 'stt'], workerEnv));
  } finally {
    await stack.stop();
    await vendor.stop();
  }
}

test('a worker killed with SIGKILL while polling: a new worker resumes the same vendor job, submitted once', { timeout: 120_000 }, () =>
  withWorkerProcesses(4_000, async (stack, vendor, spawnSttWorker) => {
    const first = spawnSttWorker();
    const { body } = await upload(stack, { bytes: wav(900), name: 'long-call.wav' }, { key: 'kill-while-polling' });
    await waitUntil('polling', async () => vendor.admin.stats().polls.total >= 2, 30_000);
    first.child.kill('SIGKILL');
    await first.exited();
    assert.equal(vendor.admin.stats().jobs.resultsFetched, 0, 'killed before the result was fetched');

    const second = spawnSttWorker();
    try {
      const view = await waitForTranscription(stack, body.id, 'COMPLETED', 90_000);
      assert.ok(view.vendorJobId);
      assert.equal(view.submitsInDoubt, 0, 'the submit was answered and recorded before the kill');
      const stats = vendor.admin.stats();
      assert.equal(stats.submits.byFilename[`${body.id}.wav`], 1);
      assert.equal(stats.submits.total, 1);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited();
    }
  }));

test('a worker killed while its submit waits for the vendor’s answer: the retry submits again, and the job shows one submit in doubt', { timeout: 150_000 }, () =>
  withWorkerProcesses(1_000, async (stack, vendor, spawnSttWorker) => {
    // The account's count is shared by every test of the run (one database): this test adds one.
    const accountCount = async () => ((await (await fetch(`${stack.apiUrl}/api/stt/vendor`)).json()) as { submitsInDoubt: number }).submitsInDoubt;
    const countBefore = await accountCount();
    const first = spawnSttWorker();
    vendor.admin.configure({ hang: 'submit' });
    const { body } = await upload(stack, { bytes: wav(902), name: 'unanswered.wav' }, { key: 'kill-inside-submit' });
    await waitUntil('a submit hanging at the vendor', async () => vendor.admin.stats().hungRequests >= 1, 30_000);
    const sent = await stack.pool.query(`SELECT submit_sent_at FROM stt_jobs WHERE id = $1`, [body.id]);
    assert.ok(sent.rows[0].submit_sent_at, 'the submit was marked as on its way before it went out');
    first.child.kill('SIGKILL');
    await first.exited();
    vendor.admin.configure({ hang: 'off' });

    const second = spawnSttWorker();
    try {
      const view = await waitForTranscription(stack, body.id, 'COMPLETED', 110_000);
      assert.equal(view.submitsInDoubt, 1, 'the unanswered submit is counted once');
      assert.equal(vendor.admin.stats().requests.submit, 2, 'the retry submitted the audio again');
      const { rows } = await stack.pool.query(`SELECT submit_sent_at, submits_in_doubt FROM stt_jobs WHERE id = $1`, [body.id]);
      assert.deepEqual(rows[0], { submit_sent_at: null, submits_in_doubt: 1 });
      const countAfter = await accountCount();
      assert.equal(countAfter - countBefore, 1, 'the vendor account counts it too');
      const metrics = await (await fetch(`${stack.apiUrl}/metrics`)).text();
      assert.match(metrics, new RegExp(`^dp_stt_vendor_submits_in_doubt_total\\{vendor="rtzr"\\} ${countAfter}$`, 'm'));
    } finally {
      second.child.kill('SIGTERM');
      await second.exited();
    }
  }));

test('a worker killed inside a poll that hangs: the heartbeat timeout, not the 2-minute call timeout, hands the poll to a new worker', { timeout: 150_000 }, () =>
  withWorkerProcesses(1_000, async (stack, vendor, spawnSttWorker) => {
    const first = spawnSttWorker();
    vendor.admin.configure({ hang: 'poll' });
    const { body } = await upload(stack, { bytes: wav(901), name: 'hung-poll.wav' }, { key: 'kill-inside-poll' });
    await waitUntil('a poll hanging at the vendor', async () => vendor.admin.stats().hungRequests >= 1, 30_000);
    // Long enough for the poll to have heartbeated: the attempt is known to be alive, then it is not.
    await new Promise((r) => setTimeout(r, 3_000));
    first.child.kill('SIGKILL');
    await first.exited();
    vendor.admin.configure({ hang: 'off' });

    const second = spawnSttWorker();
    try {
      await waitForTranscription(stack, body.id, 'COMPLETED', 110_000);
      assert.equal(vendor.admin.stats().submits.byFilename[`${body.id}.wav`], 1);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited();
    }
    // The lost poll was given up by its heartbeat timeout, not by its start-to-close timeout: the retry's
    // start event carries why the attempt before it ended.
    const history = await stack.temporal.workflow.getHandle(body.id).fetchHistory();
    const retried = (history.events ?? []).flatMap((e) => e.activityTaskStartedEventAttributes?.lastFailure?.timeoutFailureInfo?.timeoutType ?? []);
    assert.deepEqual(retried, [temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_HEARTBEAT]);
  }));
