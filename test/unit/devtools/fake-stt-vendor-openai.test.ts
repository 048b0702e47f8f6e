import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import type { UploadedAudio } from '../../../devtools/fake-stt-vendor/jobs';
import { finishTranscription, startTranscription, type TranscriptionRequest, type TranscriptionStart } from '../../../devtools/fake-stt-vendor/openai-compatible';
import { DEFAULT_FAKE_STT_VENDOR_OPTIONS, type FakeSttVendorOptionsPatch } from '../../../devtools/fake-stt-vendor/options';
import { FakeSttVendorState, type VendorReply } from '../../../devtools/fake-stt-vendor/state';
import { transcriptFor } from '../../../devtools/fake-stt-vendor/transcript';

/** The OpenAI-compatible route's decisions, on a clock the test moves by hand. */
function vendor(patch: FakeSttVendorOptionsPatch = {}) {
  let now = Date.UTC(2025, 0, 1, 9, 0, 0);
  const state = new FakeSttVendorState({ ...DEFAULT_FAKE_STT_VENDOR_OPTIONS, processingMs: 1_000, ...patch }, () => now);
  const start = (request: Partial<TranscriptionRequest> = {}) =>
    startTranscription(state, { upload: audio('a'), model: 'whisper-1', responseFormat: 'verbose_json', ...request });
  return { state, start, advance: (ms: number) => (now += ms) };
}

function audio(content: string): UploadedAudio {
  return { sha256: createHash('sha256').update(content).digest('hex'), sizeBytes: Buffer.byteLength(content), filename: `${content}.wav` };
}

function accepted(started: TranscriptionStart) {
  assert.ok(!('reply' in started), `expected an accepted request, got ${JSON.stringify(started)}`);
  return started;
}

function refused(started: TranscriptionStart): VendorReply & { error: { type: string; code: string | null; param: string | null; message: string } } {
  assert.ok('reply' in started, 'expected an immediate answer');
  return { ...started.reply, error: (started.reply.body as { error: never }).error };
}

describe('fake STT vendor: OpenAI-compatible transcriptions', () => {
  test('an accepted request waits processingMs, then answers verbose_json segments in seconds', () => {
    const v = vendor();
    const started = accepted(v.start({ upload: audio('lecture'), language: 'ko' }));
    assert.equal(started.waitMs, 1_000);
    const reply = finishTranscription(v.state, started);
    const expected = transcriptFor(audio('lecture').sha256, { useDiarization: false, speakerCount: 1 });
    const body = reply.body as { text: string; duration: number; language: string; segments: Array<{ start: number; end: number; text: string }> };
    assert.equal(reply.status, 200);
    assert.deepEqual(
      body.segments.map((s) => [s.start, s.end, s.text]),
      expected.map((u) => [u.start_at / 1000, (u.start_at + u.duration) / 1000, u.msg]),
    );
    assert.equal(body.text, expected.map((u) => u.msg).join(' '));
    assert.equal(body.duration, body.segments.at(-1)!.end);
    assert.equal(body.language, 'ko');
    const stats = v.state.stats();
    assert.deepEqual([stats.requests.transcriptions, stats.submits.byFilename['lecture.wav'], stats.polls.total, stats.jobs.active], [1, 1, 0, 0]);
  });

  test('response_format json answers only the text; an unknown format or no model is 400', () => {
    const v = vendor();
    const reply = finishTranscription(v.state, accepted(v.start({ responseFormat: undefined })));
    assert.deepEqual(Object.keys(reply.body as object), ['text']);
    assert.deepEqual([refused(v.start({ responseFormat: 'srt' })).status, refused(v.start({ responseFormat: 'srt' })).error.param], [400, 'response_format']);
    assert.equal(refused(v.start({ model: undefined })).error.param, 'model');
  });

  test('uploads are validated: missing, empty, too large (413), too long', () => {
    const v = vendor({ maxFileBytes: 100_000, maxAudioSeconds: 2 });
    const cases: Array<[TranscriptionRequest['upload'], number]> = [
      ['missing', 400],
      [{ ...audio(''), sizeBytes: 0 }, 400],
      ['too-large', 413],
      [{ ...audio('x'), sizeBytes: 40_000 }, 400],
    ];
    for (const [upload, status] of cases) {
      const reply = refused(v.start({ upload }));
      assert.deepEqual([reply.status, reply.error.type, reply.error.param], [status, 'invalid_request_error', 'file']);
    }
    assert.equal(v.state.stats().submits.total, 0);
  });

  test('requests being answered count against maxConcurrentJobs: over it, 429 with Retry-After', () => {
    const v = vendor({ maxConcurrentJobs: 2, retryAfterSeconds: 3 });
    const first = accepted(v.start({ upload: audio('1') }));
    accepted(v.start({ upload: audio('2') }));
    const limited = refused(v.start({ upload: audio('3') }));
    assert.deepEqual([limited.status, limited.error.code, limited.headers?.['retry-after']], [429, 'rate_limit_exceeded', '3']);
    finishTranscription(v.state, first);
    accepted(v.start({ upload: audio('3') }));
    const stats = v.state.stats();
    assert.deepEqual([stats.maxConcurrentJobsObserved, stats.responses429.A0002, stats.limitedUntil !== null], [2, 1, true]);
  });

  test('random 429s and 500s follow the seed; a spent quota is insufficient_quota without Retry-After', () => {
    const statuses = (seed: number) => {
      const v = vendor({ random429Rate: 0.3, random500Rate: 0.2, seed, maxConcurrentJobs: 0 });
      return Array.from({ length: 40 }, () => {
        const started = v.start();
        return 'reply' in started ? started.reply.status : 200;
      });
    };
    assert.deepEqual(statuses(7), statuses(7));
    assert.ok([429, 500, 200].every((s) => statuses(7).includes(s)));
    const random = vendor({ random429Rate: 1, retryAfterSeconds: 1 });
    const limited = refused(random.start());
    assert.deepEqual([limited.status, limited.error.code, limited.headers?.['retry-after']], [429, 'rate_limit_exceeded', '1']);
    assert.deepEqual(random.state.stats().responses429, { A0001: 0, A0002: 0, A0003: 1, random: 1, total: 1 });
    const quota = refused(vendor({ quotaExhausted: true }).start());
    assert.deepEqual([quota.status, quota.error.code, quota.headers], [429, 'insufficient_quota', undefined]);
  });

  test('the apiKey knob is enforced with 401 invalid_api_key; unset, any key is an account', () => {
    const v = vendor({ apiKey: 'sk-right' });
    assert.deepEqual([refused(v.start({ authorization: 'Bearer sk-wrong' })).status, refused(v.start()).error.code], [401, 'invalid_api_key']);
    accepted(v.start({ authorization: 'Bearer sk-right' }));
    assert.equal(v.state.stats().responses401, 2);
    const open = vendor({ maxConcurrentJobs: 1 });
    accepted(open.start({ authorization: 'Bearer one' }));
    accepted(open.start({ authorization: 'Bearer two' }));
    assert.equal(refused(open.start({ authorization: 'Bearer one' })).status, 429, 'the limit is per key');
  });

  test('failureRate 1 answers 400 after processing and frees the slot', () => {
    const v = vendor({ failureRate: 1, maxConcurrentJobs: 1 });
    const started = accepted(v.start());
    assert.equal(refused(v.start()).status, 429);
    const reply = finishTranscription(v.state, started);
    assert.equal(reply.status, 400);
    assert.match((reply.body as { error: { message: string } }).error.message, /could not be transcribed/);
    accepted(v.start());
  });

  test('hang can target the transcriptions route alone', () => {
    const v = vendor({ hang: 'transcriptions' });
    assert.deepEqual([v.state.hangs('transcriptions'), v.state.hangs('submit')], [true, false]);
    assert.deepEqual([v.state.stats().hungRequests, v.state.stats().requests.transcriptions], [1, 1]);
  });
});
