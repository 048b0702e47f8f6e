import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { VendorState } from '../../../src/api/stt/vendor';
import { startTestStack, testConfig, waitUntil, type TestStack } from '../../support/stack';
import { startFakeSttVendor, sttEnv, upload, wav, waitForTranscription, type FakeVendor } from '../../support/stt';

// A 429 names the limit it enforces; the workers pause only what that limit concerns and learn
// the account's concurrency from its refusals, all through the shared state in PostgreSQL.
describe('limit-aware vendor client', () => {
  let vendor: FakeVendor;
  let stack: TestStack;
  const vendorState = async (): Promise<VendorState> => (await fetch(`${stack.apiUrl}/api/stt/vendor`)).json() as Promise<VendorState>;
  const forgetLimits = () => stack.pool.query(`DELETE FROM vendor_limits WHERE vendor = 'rtzr'`);

  before(async () => {
    vendor = await startFakeSttVendor({ processingMs: 2_000, retryAfter: true, retryAfterSeconds: 4, seed: 3 });
    stack = await startTestStack({ config: testConfig(sttEnv(vendor, { STT_MAX_IN_FLIGHT: '6', STT_CAP_INCREASE_EVERY: '4' })), queues: ['stt'] });
  });
  beforeEach(async () => {
    vendor.admin.reset();
    vendor.admin.configure({ processingMs: 2_000, maxConcurrentJobs: 10, random429Rate: 0, random429Code: 'A0003', retryAfterSeconds: 4 });
    await forgetLimits();
  });
  after(async () => {
    await forgetLimits();
    await stack.stop();
    await vendor.stop();
  });

  const transcribing = (id: string) =>
    waitUntil(`${id} running at the vendor`, async () => (await stack.pool.query(`SELECT vendor_job_id FROM stt_jobs WHERE id = $1`, [id])).rows[0]?.vendor_job_id, 30_000);

  test('an A0002 closes the submit gate only: the running job’s polls go on and it completes while submits wait', { timeout: 90_000 }, async () => {
    vendor.admin.configure({ maxConcurrentJobs: 1, processingMs: 2_500 });
    const running = (await upload(stack, { bytes: wav(1000), name: 'running.wav' }, { key: 'gate-running' })).body.id;
    await transcribing(running);
    const refused = (await upload(stack, { bytes: wav(1001), name: 'refused.wav' }, { key: 'gate-refused' })).body.id;
    const closed = await waitUntil('the submit gate to close', async () => {
      const state = await vendorState();
      return state.gates.submit.open ? undefined : state;
    });
    assert.equal(closed.gates.all.open, true, 'polls stay allowed');
    assert.deepEqual({ code: closed.last429?.code, class: closed.last429?.class }, { code: 'A0002', class: 'concurrency' });
    assert.equal(closed.cap.learned, 1, 'the cap fell to the one job the account was running');
    assert.equal(closed.gates.submit.reason, 'rate_limited_A0002');

    await waitForTranscription(stack, running, 'COMPLETED', 30_000);
    assert.ok(Date.now() < Date.parse(closed.gates.submit.retryAt!), 'the running job finished before submits resumed');
    await waitForTranscription(stack, refused, 'COMPLETED', 60_000);

    const stats = vendor.admin.stats();
    const late = stats.requestsWhileLimitedLog.filter((r) => r.msSinceLimited > 250);
    assert.ok(late.some((r) => r.route === 'poll'), 'polls were sent while the submit gate was closed');
    assert.deepEqual(late.filter((r) => r.route === 'submit'), [], 'no submit was sent while the submit gate was closed');
    assert.equal(stats.responses429.A0002, 1);
    for (const id of [running, refused]) assert.equal(stats.submits.byFilename[`${id}.wav`], 1, `${id} submitted once`);
  });

  test('an A0003 closes the all gate: nobody submits or polls until Retry-After', { timeout: 90_000 }, async () => {
    const running = (await upload(stack, { bytes: wav(1100), name: 'rate.wav' }, { key: 'rate-running' })).body.id;
    await transcribing(running);
    vendor.admin.configure({ random429Rate: 1, random429Code: 'A0003' });
    const closed = await waitUntil('the all gate to close', async () => {
      const state = await vendorState();
      return state.gates.all.open ? undefined : state;
    });
    vendor.admin.configure({ random429Rate: 0 });
    const queued = (await upload(stack, { bytes: wav(1101), name: 'queued.wav' }, { key: 'rate-queued' })).body.id;
    assert.deepEqual({ code: closed.last429?.code, class: closed.last429?.class }, { code: 'A0003', class: 'rate' });
    assert.equal(closed.gates.all.reason, 'rate_limited_A0003');
    assert.equal(closed.cap.learned, 6, 'a rate limit says nothing about concurrency');

    for (const id of [running, queued]) await waitForTranscription(stack, id, 'COMPLETED', 60_000);
    const stats = vendor.admin.stats();
    assert.deepEqual(stats.requestsWhileLimitedLog.filter((r) => r.msSinceLimited > 250), [], 'no request of any kind inside the window');
    const firstQueuedSubmit = stats.submits.byFilename[`${queued}.wav`];
    assert.equal(firstQueuedSubmit, 1);
    assert.equal(stats.submits.byFilename[`${running}.wav`], 1);
  });

  test('the cap learns a 3-job account from A0002s, raises itself back when the account grows, and /metrics shows it', { timeout: 240_000 }, async () => {
    vendor.admin.configure({ maxConcurrentJobs: 3, processingMs: 800, retryAfterSeconds: 1 });
    const batch = async (prefix: string, n: number) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) ids.push((await upload(stack, { bytes: wav(1200 + ids.length + prefix.length * 100), name: `${prefix}-${i}.wav` }, { key: `${prefix}-${i}` })).body.id);
      const caps = new Set<number>();
      for (const id of ids) {
        await waitUntil(`${id} to complete`, async () => {
          caps.add((await vendorState()).cap.learned);
          return (await fetch(`${stack.apiUrl}/api/transcriptions/${id}`).then((r) => r.json()) as { status: string }).status === 'COMPLETED';
        }, 120_000);
      }
      return { ids, caps };
    };

    const small = await batch('aimd-small', 12);
    let stats = vendor.admin.stats();
    assert.ok(stats.responses429.A0002 >= 1, 'the account refused at least once');
    assert.ok(stats.responses429.A0002 <= 1 + 12 / 4, `one refusal to learn, then at most one probe per 4 completions (${stats.responses429.A0002})`);
    assert.ok(stats.maxConcurrentJobsObserved <= 3);
    assert.ok(small.caps.has(3), `the learned cap reached the account's limit (${[...small.caps]})`);
    assert.ok(Math.min(...small.caps) >= 3, 'never below the limit: an A0002 steps down to the jobs the account had accepted');
    for (const id of small.ids) assert.equal(stats.submits.byFilename[`${id}.wav`], 1, `${id} submitted once`);

    vendor.admin.configure({ maxConcurrentJobs: 6 });
    const refusalsBefore = stats.responses429.A0002;
    const large = await batch('aimd-large', 16);
    stats = vendor.admin.stats();
    assert.equal(stats.responses429.A0002, refusalsBefore, 'no refusals once the account allows the configured cap');
    const state = await vendorState();
    assert.equal(state.cap.learned, 6, `raised back to STT_MAX_IN_FLIGHT by 3 raises of 4 completions each (saw ${[...large.caps]})`);
    assert.ok(stats.maxConcurrentJobsObserved > 3, 'the raised cap was used');
    for (const id of large.ids) assert.equal(stats.submits.byFilename[`${id}.wav`], 1, `${id} submitted once`);

    const metrics = await (await fetch(`${stack.apiUrl}/metrics`)).text();
    assert.match(metrics, /^dp_stt_vendor_cap_learned\{vendor="rtzr"\} 6$/m);
    assert.match(metrics, /^dp_stt_vendor_cap_configured\{vendor="rtzr"\} 6$/m);
    assert.match(metrics, /^dp_stt_vendor_gate_open\{vendor="rtzr",gate="all"\} 1$/m);
    assert.match(metrics, new RegExp(`^dp_stt_vendor_429_total\\{vendor="rtzr",class="concurrency"\\} ${refusalsBefore}$`, 'm'));
    assert.match(metrics, /^dp_stt_vendor_in_flight\{vendor="rtzr"\} 0$/m);
  });
  test('a submit that waits longer than the heartbeat timeout for the account to free a job stays one live attempt: no retry beside it, one upload', { timeout: 180_000 }, async () => {
    // Refused with A0002 behind a 25 s job, the second job waits inside its submit activity (up to 30 s)
    // for the cap's one slot; silent that long, it would be retried beside itself and could upload twice.
    vendor.admin.configure({ maxConcurrentJobs: 1, processingMs: 25_000, retryAfterSeconds: 1 });
    const running = (await upload(stack, { bytes: wav(1200), name: 'long.wav' }, { key: 'long-running' })).body.id;
    await transcribing(running);
    const waiting = (await upload(stack, { bytes: wav(1201), name: 'waiting.wav' }, { key: 'long-waiting' })).body.id;
    for (const id of [running, waiting]) await waitForTranscription(stack, id, 'COMPLETED', 120_000);

    const stats = vendor.admin.stats();
    assert.ok(stats.responses429.A0002 >= 1, 'the second job was refused while the first ran');
    for (const id of [running, waiting]) assert.equal(stats.submits.byFilename[`${id}.wav`], 1, `${id} submitted once`);
    const history = await stack.temporal.workflow.getHandle(waiting).fetchHistory();
    const retriedAfter = (history.events ?? []).flatMap((e) => e.activityTaskStartedEventAttributes?.lastFailure?.message ?? []);
    assert.deepEqual(retriedAfter, [], 'no activity attempt of the waiting job was given up');
  });
});
