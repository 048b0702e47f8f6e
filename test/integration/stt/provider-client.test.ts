import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { DEFAULT_FAKE_STT_VENDOR_OPTIONS, startFakeSttVendor, type FakeSttVendor } from '../../../devtools/fake-stt-vendor';
import { transcriptFor } from '../../../devtools/fake-stt-vendor/transcript';
import { findFreePort } from '../../../src/infra/net';
import { SttAuthError, SttQuotaExceededError, SttRateLimitedError, SttRejectedError, SttTransientError } from '../../../src/infra/stt/errors';
import type { SttAudio, SttJobStatus } from '../../../src/infra/stt/provider';
import { RtzrClient, type RtzrClientOptions } from '../../../src/infra/stt/rtzr-client';

const CREDENTIALS = { clientId: 'dp-test', clientSecret: 's3cret' };
const KNOBS = { ...DEFAULT_FAKE_STT_VENDOR_OPTIONS, ...CREDENTIALS, processingMs: 200 };

const wav = (content: string, filename = `${content}.wav`): SttAudio => ({ body: Buffer.from(content), filename, contentType: 'audio/wav' });
const sha256 = (content: string) => createHash('sha256').update(content).digest('hex');

async function rejectsWith<T extends Error>(promise: Promise<unknown>, type: new (...args: any[]) => T): Promise<T> {
  const err = await promise.then(
    () => assert.fail(`expected ${type.name}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
  return err;
}

describe('RTZR client against the fake vendor over loopback HTTP', () => {
  let vendor: FakeSttVendor;
  let clients: RtzrClient[] = [];
  const client = (overrides: Partial<RtzrClientOptions> = {}) => {
    const c = new RtzrClient({ baseUrl: vendor.url, ...CREDENTIALS, ...overrides });
    clients.push(c);
    return c;
  };
  const pollUntilDone = async (c: RtzrClient, id: string): Promise<SttJobStatus> => {
    for (;;) {
      const status = await c.poll(id);
      if (status.status !== 'transcribing') return status;
      await sleep(50);
    }
  };

  before(async () => {
    vendor = await startFakeSttVendor(KNOBS);
  });
  beforeEach(() => {
    vendor.admin.configure(KNOBS);
    vendor.admin.reset();
  });
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
    clients = [];
  });
  after(() => vendor.stop());

  test('submit → poll → completed with the utterances derived from the audio; one token for every call', async () => {
    const c = client();
    const { vendorJobId } = await c.submit(wav('lecture-1'), { diarization: true, speakerCount: 2 });
    assert.deepEqual(await c.poll(vendorJobId), { status: 'transcribing' });
    const done = await pollUntilDone(c, vendorJobId);
    const expected = transcriptFor(sha256('lecture-1'), { useDiarization: true, speakerCount: 2 });
    assert.deepEqual(done, {
      status: 'completed',
      utterances: expected.map((u) => ({ startMs: u.start_at, durationMs: u.duration, text: u.msg, speaker: u.spk })),
    });
    const stats = vendor.admin.stats();
    assert.equal(stats.authenticates, 1);
    assert.deepEqual(stats.submits.byAudioSha256, { [sha256('lecture-1')]: 1 });
    assert.ok(stats.polls.byJob[vendorJobId] >= 2);
    assert.equal(stats.jobs.active, 0, 'fetching the result frees the slot');
  });

  test('a stream factory uploads chunked; Korean filenames survive both body kinds', async () => {
    const c = client();
    const audio: SttAudio = { body: () => Readable.from([Buffer.from('stream'), Buffer.from('ed audio')]), filename: '강의 01.m4a', contentType: 'audio/mp4' };
    await c.submit(audio);
    await c.submit(wav('buffered audio', '녹음 "2".wav'));
    const stats = vendor.admin.stats();
    assert.deepEqual(stats.submits.byFilename, { '강의 01.m4a': 1, '녹음 "2".wav': 1 });
    assert.deepEqual(stats.submits.byAudioSha256, { [sha256('streamed audio')]: 1, [sha256('buffered audio')]: 1 });
  });

  test('the client keeps to its connection bound and reuses connections', async () => {
    const c = client({ maxConnections: 2 });
    const { vendorJobId } = await c.submit(wav('a'));
    await Promise.all(Array.from({ length: 12 }, () => c.poll(vendorJobId)));
    const { connections, polls } = vendor.admin.stats();
    assert.equal(polls.byJob[vendorJobId], 12);
    assert.ok(connections.total >= 1 && connections.total <= 2, `opened ${connections.total} connections`);
  });

  test('over the concurrent-job limit: SttRateLimitedError A0002 with Retry-After, or without when it is off', async () => {
    vendor.admin.configure({ maxConcurrentJobs: 2, retryAfterSeconds: 3 });
    const c = client();
    await c.submit(wav('a'));
    await c.submit(wav('b'));
    const limited = await rejectsWith(c.submit(wav('c')), SttRateLimitedError);
    assert.deepEqual([limited.code, limited.retryAfterMs, limited.httpStatus, limited.retryable], ['A0002', 3_000, 429, true]);
    vendor.admin.configure({ retryAfter: false });
    assert.equal((await rejectsWith(c.submit(wav('c')), SttRateLimitedError)).retryAfterMs, undefined);
  });

  test('polling one job too often: SttRateLimitedError A0003', async () => {
    vendor.admin.configure({ minPollIntervalMs: 10_000 });
    const c = client();
    const { vendorJobId } = await c.submit(wav('a'));
    await c.poll(vendorJobId);
    const limited = await rejectsWith(c.poll(vendorJobId), SttRateLimitedError);
    assert.deepEqual([limited.code, limited.retryAfterMs], ['A0003', 5_000]);
  });

  test('Retry-After as an HTTP-date becomes milliseconds from now', async () => {
    vendor.admin.configure({ maxConcurrentJobs: 1, retryAfterSeconds: 2, retryAfterFormat: 'http-date' });
    const c = client();
    await c.submit(wav('a'));
    const { retryAfterMs } = await rejectsWith(c.submit(wav('b')), SttRateLimitedError);
    assert.ok(retryAfterMs !== undefined && retryAfterMs >= 1_000 && retryAfterMs <= 3_000, `retryAfterMs ${retryAfterMs}`);
  });

  test('an expired token is refreshed once and the call retried; concurrent callers share the refresh', async () => {
    const c = client();
    const { vendorJobId } = await c.submit(wav('a'));
    vendor.admin.expireTokens();
    assert.deepEqual(await c.poll(vendorJobId), { status: 'transcribing' });
    assert.deepEqual([vendor.admin.stats().authenticates, vendor.admin.stats().responses401], [2, 1]);
    vendor.admin.expireTokens();
    await Promise.all(Array.from({ length: 5 }, () => c.poll(vendorJobId)));
    assert.deepEqual([vendor.admin.stats().authenticates, vendor.admin.stats().responses401], [3, 6]);
  });

  test('a short-lived token is refreshed before it expires, without a 401', async () => {
    vendor.admin.configure({ tokenLifetimeMs: 1_000 });
    const c = client();
    const { vendorJobId } = await c.submit(wav('a'));
    await sleep(1_100);
    await c.poll(vendorJobId);
    assert.deepEqual([vendor.admin.stats().authenticates, vendor.admin.stats().responses401], [2, 0]);
  });

  test('wrong credentials: SttAuthError, not retryable', async () => {
    const err = await rejectsWith(client({ clientSecret: 'wrong' }).submit(wav('a')), SttAuthError);
    assert.deepEqual([err.retryable, err.vendorCode], [false, 'H0002']);
  });

  test('400 and 413 and 404: SttRejectedError with the vendor code and message', async () => {
    vendor.admin.configure({ maxFileBytes: 10 });
    const c = client();
    const empty = await rejectsWith(c.submit(wav('')), SttRejectedError);
    assert.deepEqual([empty.httpStatus, empty.vendorCode, empty.vendorMessage, empty.retryable], [400, 'H0001', 'file is empty', false]);
    const badConfig = await rejectsWith(c.submit(wav('a'), { diarization: true, speakerCount: -1 }), SttRejectedError);
    assert.match(badConfig.vendorMessage, /spk_count/);
    const tooLarge = await rejectsWith(c.submit(wav('eleven byte')), SttRejectedError);
    assert.deepEqual([tooLarge.httpStatus, tooLarge.vendorCode], [413, 'H0005']);
    assert.equal((await rejectsWith(c.poll('no-such-job'), SttRejectedError)).vendorCode, 'H0004');
  });

  test('500: SttTransientError carrying E500', async () => {
    vendor.admin.configure({ random500Rate: 1 });
    const err = await rejectsWith(client().submit(wav('a')), SttTransientError);
    assert.deepEqual([err.httpStatus, err.vendorCode, err.retryable], [500, 'E500', true]);
  });

  test('random 429: SttRateLimitedError; spent quota: SttQuotaExceededError', async () => {
    vendor.admin.configure({ random429Rate: 1 });
    const c = client();
    assert.equal((await rejectsWith(c.submit(wav('a')), SttRateLimitedError)).code, 'A0003');
    vendor.admin.configure({ random429Rate: 0, quotaExhausted: true });
    assert.equal((await rejectsWith(c.submit(wav('a')), SttQuotaExceededError)).vendorCode, 'A0001');
  });

  test('a job the vendor failed is reported as failed with its message', async () => {
    vendor.admin.configure({ failureRate: 1 });
    const c = client();
    const { vendorJobId } = await c.submit(wav('a'));
    assert.deepEqual(await pollUntilDone(c, vendorJobId), { status: 'failed', error: 'E500: the audio could not be transcribed' });
  });

  test('a hanging vendor fails with SttTransientError within the configured timeout', async () => {
    const c = client({ responseTimeoutMs: 300 });
    const { vendorJobId } = await c.submit(wav('a'));
    for (const hang of ['poll', 'submit'] as const) {
      vendor.admin.configure({ hang });
      const started = Date.now();
      const call = hang === 'poll' ? c.poll(vendorJobId) : c.submit(wav('b'));
      await rejectsWith(call, SttTransientError);
      assert.ok(Date.now() - started < 2_000, `${hang} gave up after ${Date.now() - started} ms`);
    }
    vendor.admin.configure({ hang: 'all' });
    await rejectsWith(client({ requestTimeoutMs: 300 }).poll(vendorJobId), SttTransientError);
    assert.equal(vendor.admin.stats().hungRequests, 3);
  });

  test('nothing listening: SttTransientError', async () => {
    const c = client({ baseUrl: `http://127.0.0.1:${await findFreePort()}` });
    await rejectsWith(c.submit(wav('a')), SttTransientError);
  });

  test('admin over HTTP: live config, counters, reset', async () => {
    const admin = (path: string, body?: unknown) =>
      fetch(`${vendor.url}/admin/${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
    const configured = await admin('config', { maxConcurrentJobs: 1, retryAfterSeconds: 5 });
    assert.equal(((await configured.json()) as { maxConcurrentJobs: number }).maxConcurrentJobs, 1);
    const bad = await admin('config', { random500Rate: 3 });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { msg: string }).msg, /^random500Rate:/);

    const c = client();
    const { vendorJobId } = await c.submit(wav('a'));
    await rejectsWith(c.submit(wav('b')), SttRateLimitedError);
    await rejectsWith(c.submit(wav('b')), SttRateLimitedError); // ignores the Retry-After it was just given
    await c.poll(vendorJobId);
    const stats = (await (await admin('stats')).json()) as ReturnType<FakeSttVendor['admin']['stats']>;
    assert.deepEqual(stats.requests, { authenticate: 1, submit: 3, poll: 1, transcriptions: 0, total: 5 });
    assert.deepEqual(stats.responses429, { A0001: 0, A0002: 2, A0003: 0, random: 0, total: 2 });
    assert.deepEqual([stats.submits.total, stats.polls.byJob[vendorJobId], stats.maxConcurrentJobsObserved], [1, 1, 1]);
    assert.deepEqual([stats.requestsWhileLimited, stats.requestsWhileLimitedLog.map((r) => r.route)], [2, ['submit', 'poll']]);
    assert.ok(stats.limitedUntil && Date.parse(stats.limitedUntil) > Date.now());

    assert.equal((await admin('reset', {})).status, 200);
    assert.equal(((await (await admin('stats')).json()) as { requests: { total: number } }).requests.total, 0);
  });
});
