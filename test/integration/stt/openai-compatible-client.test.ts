import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { transcriptFor } from '../../../devtools/fake-stt-vendor/transcript';
import { SttAuthError, SttQuotaExceededError, SttRateLimitedError, SttRejectedError } from '../../../src/infra/stt/errors';
import { OpenAiCompatibleClient } from '../../../src/infra/stt/openai-compatible-client';
import { close, listen } from '../../../src/infra/http/server';
import { startFakeSttVendor, wav, type FakeVendor } from '../../support/stt';

/** A minimal synchronous `/v1/audio/transcriptions` whose answer the test picks per request. */
type Answer = { status: number; body: unknown; headers?: Record<string, string> };

describe('OpenAI-compatible client against a synchronous endpoint on loopback', () => {
  let server: http.Server;
  let baseUrl: string;
  let next: Answer;
  let received: { path?: string; authorization?: string; form?: FormData } = {};

  before(async () => {
    server = await listen(
      async (req, res) => {
        const chunks: Buffer[] = [];
        for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
        const form = await new Response(Buffer.concat(chunks), { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
        received = { path: req.url, authorization: req.headers.authorization, form };
        res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers }).end(JSON.stringify(next.body));
      },
      '127.0.0.1',
      0,
      'test',
    );
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  after(() => close(server));

  const client = () => new OpenAiCompatibleClient({ baseUrl, apiKey: 'sk-test', model: 'whisper-1', language: 'ko' });
  const audio = { body: Buffer.from('audio'), filename: 'a.mp3', contentType: 'audio/mpeg' };

  test('submit returns the transcript at once: segments in seconds become utterances in ms', async () => {
    next = { status: 200, body: { text: '안녕하세요 반갑습니다', segments: [{ start: 0, end: 1.5, text: ' 안녕하세요' }, { start: 1.5, end: 2.25, text: ' 반갑습니다' }] } };
    const c = client();
    const submission = await c.submit(audio);
    await c.close();
    assert.match(submission.vendorJobId, /^sync-/);
    assert.deepEqual(submission.completed?.utterances, [
      { startMs: 0, durationMs: 1500, text: '안녕하세요', speaker: 0 },
      { startMs: 1500, durationMs: 750, text: '반갑습니다', speaker: 0 },
    ]);
    assert.equal(received.path, '/v1/audio/transcriptions');
    assert.equal(received.authorization, 'Bearer sk-test');
    assert.deepEqual([received.form?.get('model'), received.form?.get('response_format'), received.form?.get('language')], ['whisper-1', 'verbose_json', 'ko']);
    assert.equal((received.form?.get('file') as File).size, 5);
  });

  test('429 with retry-after is rate limiting; insufficient_quota is a spent quota', async () => {
    const c = client();
    next = { status: 429, body: { error: { message: 'Rate limit reached', code: 'rate_limit_exceeded' } }, headers: { 'retry-after': '20' } };
    const limited = await c.submit(audio).catch((e: unknown) => e);
    assert.ok(limited instanceof SttRateLimitedError);
    assert.deepEqual([limited.code, limited.retryAfterMs], ['unknown', 20_000]);
    next = { status: 429, body: { error: { message: 'You exceeded your current quota', code: 'insufficient_quota' } } };
    assert.ok((await c.submit(audio).catch((e: unknown) => e)) instanceof SttQuotaExceededError);
    await assert.rejects(c.poll('sync-x'), SttRejectedError);
    await c.close();
  });
});

describe('OpenAI-compatible client against the fake vendor', () => {
  let vendor: FakeVendor;
  before(async () => {
    vendor = await startFakeSttVendor({ processingMs: 300, maxConcurrentJobs: 1, retryAfterSeconds: 2, apiKey: 'sk-fake' });
  });
  after(() => vendor.stop());

  const client = (apiKey = 'sk-fake') => new OpenAiCompatibleClient({ name: 'openai', baseUrl: `${vendor.url}/v1`, apiKey, model: 'whisper-1' });

  test('the transcript arrives with the answer, after the processing time, as utterances in ms', async () => {
    vendor.admin.reset();
    const c = client();
    const bytes = wav(7);
    const startedAt = Date.now();
    const submission = await c.submit({ body: bytes, filename: 'stt-a.wav', contentType: 'audio/wav' });
    const tookMs = Date.now() - startedAt;
    await c.close();
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const expected = transcriptFor(sha256, { useDiarization: false, speakerCount: 1 });
    assert.deepEqual(
      submission.completed?.utterances,
      expected.map((u) => ({ startMs: u.start_at, durationMs: u.duration, text: u.msg, speaker: 0 })),
    );
    assert.ok(tookMs >= 300, `answered after ${tookMs} ms`);
    const stats = vendor.admin.stats();
    assert.deepEqual([stats.requests.transcriptions, stats.submits.byFilename['stt-a.wav'], stats.polls.total], [1, 1, 0]);
  });

  test('a second request while one is being answered is rate limited with Retry-After; a wrong key is an auth error', async () => {
    vendor.admin.reset();
    const c = client();
    const audio = (name: string) => ({ body: wav(8), filename: name, contentType: 'audio/wav' });
    const [first, second] = await Promise.allSettled([c.submit(audio('one.wav')), new Promise((r) => setTimeout(r, 50)).then(() => c.submit(audio('two.wav')))]);
    assert.equal(first.status, 'fulfilled');
    assert.ok(second.status === 'rejected' && second.reason instanceof SttRateLimitedError, String(second.status === 'rejected' && second.reason));
    assert.equal(second.reason.retryAfterMs, 2_000);
    const wrong = client('sk-wrong');
    assert.ok((await wrong.submit(audio('three.wav')).catch((e: unknown) => e)) instanceof SttAuthError);
    await Promise.all([c.close(), wrong.close()]);
    assert.equal(vendor.admin.stats().responses429.A0002, 1);
  });
});
