import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { parseFakeSttVendorCli } from '../../../devtools/fake-stt-vendor/cli-options';
import { DEFAULT_FAKE_STT_VENDOR_OPTIONS, FakeSttVendorOptionsError, type FakeSttVendorOptionsPatch } from '../../../devtools/fake-stt-vendor/options';
import { FakeSttVendorState, type UploadedAudio, type VendorReply } from '../../../devtools/fake-stt-vendor/state';
import { transcriptFor } from '../../../devtools/fake-stt-vendor/transcript';
import { ConfigError } from '../../../src/config';

/** The state machine on a clock the test moves by hand. */
function vendor(patch: FakeSttVendorOptionsPatch = {}) {
  let now = Date.UTC(2025, 0, 1, 9, 0, 0);
  const state = new FakeSttVendorState({ ...DEFAULT_FAKE_STT_VENDOR_OPTIONS, processingMs: 1_000, ...patch }, () => now);
  const login = (clientId = 'acct') => {
    const reply = state.authenticate({ clientId, clientSecret: 'secret' });
    return `Bearer ${(reply.body as { access_token: string }).access_token}`;
  };
  const submit = (authorization: string, upload: UploadedAudio | 'missing' | 'too-large' = audio('a'), config?: string) =>
    state.submit({ authorization, upload, config });
  const poll = (authorization: string, jobId: string) => state.poll({ authorization, jobId });
  return { state, login, submit, poll, advance: (ms: number) => (now += ms), now: () => now };
}

function audio(content: string, filename = `${content}.wav`): UploadedAudio {
  return { sha256: createHash('sha256').update(content).digest('hex'), sizeBytes: Buffer.byteLength(content), filename };
}

const jobId = (reply: VendorReply) => (reply.body as { id: string }).id;
const code = (reply: VendorReply) => (reply.body as { code?: string }).code;

describe('fake STT vendor: authentication', () => {
  test('issues a token with expire_at in Unix seconds; missing fields are 400 H0001', () => {
    const v = vendor();
    const reply = v.state.authenticate({ clientId: 'acct', clientSecret: 'secret' });
    assert.equal(reply.status, 200);
    assert.equal((reply.body as { expire_at: number }).expire_at, Math.floor((v.now() + 6 * 3600_000) / 1000));
    assert.equal(code(v.state.authenticate({ clientId: 'acct' })), 'H0001');
  });

  test('configured credentials are enforced with 401 H0002', () => {
    const v = vendor({ clientId: 'id', clientSecret: 'right' });
    assert.equal(v.state.authenticate({ clientId: 'id', clientSecret: 'wrong' }).status, 401);
    assert.equal(v.state.authenticate({ clientId: 'id', clientSecret: 'right' }).status, 200);
  });

  test('a token stops working after its lifetime, or when all tokens are expired', () => {
    const v = vendor({ tokenLifetimeMs: 10_000 });
    const token = v.login();
    const id = jobId(v.submit(token));
    v.advance(10_000);
    assert.deepEqual([v.poll(token, id).status, code(v.poll(token, id))], [401, 'H0002']);
    const fresh = v.login();
    assert.equal(v.poll(fresh, id).status, 200);
    v.state.expireTokens();
    assert.equal(v.poll(fresh, id).status, 401);
    assert.equal(v.poll('', id).status, 401);
    assert.equal(v.state.stats().responses401, 4);
  });
});

describe('fake STT vendor: jobs', () => {
  test('a job transcribes for processingMs, then completes with the transcript of its audio', () => {
    const v = vendor();
    const token = v.login();
    const id = jobId(v.submit(token, audio('lecture-1'), JSON.stringify({ use_diarization: true, diarization: { spk_count: 2 } })));
    assert.deepEqual(v.poll(token, id).body, { id, status: 'transcribing' });
    v.advance(1_000);
    const done = v.poll(token, id).body as { status: string; results: { utterances: unknown[] } };
    assert.equal(done.status, 'completed');
    assert.deepEqual(done.results.utterances, transcriptFor(audio('lecture-1').sha256, { useDiarization: true, speakerCount: 2 }));
  });

  test('transcripts are deterministic: 2–6 utterances, speakers 0/1, increasing start times', () => {
    for (const content of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) {
      const sha = audio(content).sha256;
      const utterances = transcriptFor(sha, { useDiarization: true, speakerCount: 2 });
      assert.deepEqual(utterances, transcriptFor(sha, { useDiarization: true, speakerCount: 2 }));
      assert.ok(utterances.length >= 2 && utterances.length <= 6);
      assert.ok(utterances.every((u, i) => [0, 1].includes(u.spk) && (i === 0 || u.start_at > utterances[i - 1].start_at)));
      assert.ok(transcriptFor(sha, { useDiarization: false, speakerCount: 2 }).every((u) => u.spk === 0));
    }
  });

  test('unknown jobs and other accounts’ jobs are 404 H0004; results expire with 410 H0007', () => {
    const v = vendor({ resultTtlMs: 5_000 });
    const token = v.login();
    const id = jobId(v.submit(token));
    assert.equal(code(v.poll(token, 'nope')), 'H0004');
    assert.equal(code(v.poll(v.login('someone-else'), id)), 'H0004');
    v.advance(6_000);
    assert.deepEqual([v.poll(token, id).status, code(v.poll(token, id))], [410, 'H0007']);
  });

  test('failureRate 1 makes every job end in status failed with a message', () => {
    const v = vendor({ failureRate: 1 });
    const token = v.login();
    const id = jobId(v.submit(token));
    v.advance(1_000);
    const body = v.poll(token, id).body as { status: string; error: { message: string } };
    assert.equal(body.status, 'failed');
    assert.match(body.error.message, /could not be transcribed/);
  });

  test('uploads are validated: missing, empty, too large, too long, bad config', () => {
    const v = vendor({ maxFileBytes: 100_000, maxAudioSeconds: 2 });
    const token = v.login();
    const cases: Array<[ReturnType<typeof v.submit>, number, string]> = [
      [v.submit(token, 'missing'), 400, 'H0001'],
      [v.submit(token, { ...audio(''), sizeBytes: 0 }), 400, 'H0001'],
      [v.submit(token, 'too-large'), 413, 'H0005'],
      [v.submit(token, { ...audio('x'), sizeBytes: 100_001 }), 413, 'H0005'],
      [v.submit(token, { ...audio('x'), sizeBytes: 40_000 }), 413, 'H0006'],
      [v.submit(token, audio('x'), '{not json'), 400, 'H0001'],
      [v.submit(token, audio('x'), '{"use_diarization":"yes"}'), 400, 'H0001'],
    ];
    for (const [reply, status, vendorCode] of cases) assert.deepEqual([reply.status, code(reply)], [status, vendorCode]);
    assert.equal(v.state.stats().submits.total, 0);
  });
});

describe('fake STT vendor: limits', () => {
  test('concurrent jobs are limited per account until the result is fetched once (429 A0002)', () => {
    const v = vendor({ maxConcurrentJobs: 2, retryAfterSeconds: 3 });
    const token = v.login();
    const first = jobId(v.submit(token, audio('1')));
    jobId(v.submit(token, audio('2')));
    const refused = v.submit(token, audio('3'));
    assert.deepEqual([refused.status, code(refused), refused.headers?.['retry-after']], [429, 'A0002', '3']);
    assert.equal(v.submit(v.login('other-account'), audio('3')).status, 200, 'the limit is per account');
    v.advance(3_000);
    assert.equal(v.submit(token, audio('3')).status, 429, 'completed but unfetched still counts');
    v.poll(token, first);
    assert.equal(v.submit(token, audio('3')).status, 200);
    const stats = v.state.stats();
    assert.equal(stats.maxConcurrentJobsObserved, 3);
    assert.equal(stats.responses429.A0002, 2);
  });

  test('a failed job frees its slot when it fails', () => {
    const v = vendor({ maxConcurrentJobs: 1, failureRate: 1 });
    const token = v.login();
    v.submit(token);
    assert.equal(v.submit(token).status, 429);
    v.advance(1_000);
    assert.equal(v.submit(token).status, 200);
  });

  test('polling one job faster than minPollIntervalMs is 429 A0003; only accepted polls move the window', () => {
    const v = vendor({ minPollIntervalMs: 1_000, retryAfter: false });
    const token = v.login();
    const id = jobId(v.submit(token));
    assert.equal(v.poll(token, id).status, 200);
    v.advance(600);
    const tooSoon = v.poll(token, id);
    assert.deepEqual([tooSoon.status, code(tooSoon), tooSoon.headers], [429, 'A0003', undefined]);
    v.advance(400);
    assert.equal(v.poll(token, id).status, 200);
    const stats = v.state.stats();
    assert.deepEqual([stats.polls.byJob[id], stats.responses429.A0003], [3, 1]);
  });

  test('a spent quota is 429 A0001 without Retry-After', () => {
    const v = vendor({ quotaExhausted: true });
    const reply = v.submit(v.login());
    assert.deepEqual([reply.status, code(reply), reply.headers], [429, 'A0001', undefined]);
  });

  test('requests arriving before a sent Retry-After has elapsed are counted', () => {
    const v = vendor({ maxConcurrentJobs: 1, retryAfterSeconds: 5 });
    const token = v.login();
    const id = jobId(v.submit(token));
    v.submit(token);
    v.advance(4_999);
    v.poll(token, id);
    v.advance(1);
    v.poll(token, id);
    const stats = v.state.stats();
    assert.equal(stats.requestsWhileLimited, 1);
    assert.deepEqual(stats.requestsWhileLimitedLog.map((r) => [r.route, r.msSinceLimited, r.msUntilOpen]), [['poll', 4_999, 1]]);
    assert.equal(stats.limitedUntil, null);
  });

  test('Retry-After as an HTTP-date names the second the window closes, rounded up', () => {
    const v = vendor({ maxConcurrentJobs: 1, retryAfterSeconds: 2, retryAfterFormat: 'http-date' });
    v.advance(300);
    const token = v.login();
    v.submit(token);
    const header = v.submit(token).headers?.['retry-after'] ?? '';
    assert.equal(Date.parse(header), Math.ceil((v.now() + 2_000) / 1000) * 1000);
    assert.equal(v.state.stats().limitedUntil, new Date(Date.parse(header)).toISOString());
  });

  test('random 429s and 500s follow the seed, so a run can be replayed', () => {
    const outcomes = (seed: number) => {
      const v = vendor({ random429Rate: 0.3, random500Rate: 0.2, seed, maxConcurrentJobs: 0 });
      const token = v.login();
      return Array.from({ length: 40 }, () => v.submit(token).status);
    };
    assert.deepEqual(outcomes(7), outcomes(7));
    assert.notDeepEqual(outcomes(7), outcomes(8));
    const statuses = outcomes(7);
    assert.ok(statuses.includes(429) && statuses.includes(500) && statuses.includes(200));
    const v = vendor({ random429Rate: 1 });
    assert.equal(code(v.submit(v.login())), 'A0003');
    assert.deepEqual(v.state.stats().responses429, { A0001: 0, A0002: 0, A0003: 1, random: 1, total: 1 });
  });

  test('hang applies to the named route or all of them, and is counted', () => {
    const v = vendor({ hang: 'poll' });
    assert.deepEqual([v.state.hangs('poll'), v.state.hangs('submit')], [true, false]);
    v.state.configure({ hang: 'all' });
    assert.ok(v.state.hangs('authenticate'));
    assert.deepEqual([v.state.stats().hungRequests, v.state.stats().requests.total], [2, 2]);
  });
});

describe('fake STT vendor: knobs', () => {
  test('configure validates and names the knob; reset clears counters and keeps options', () => {
    const v = vendor();
    assert.throws(() => v.state.configure({ random429Rate: 2 }), (err: Error) => err instanceof FakeSttVendorOptionsError && /^random429Rate:/.test(err.message));
    assert.throws(() => v.state.configure({ bogus: 1 }), FakeSttVendorOptionsError);
    v.state.configure({ maxConcurrentJobs: 3 });
    v.submit(v.login());
    v.state.reset();
    assert.equal(v.state.options.maxConcurrentJobs, 3);
    assert.deepEqual([v.state.stats().submits.total, v.state.stats().authenticates, v.state.stats().jobs.active], [0, 0, 0]);
  });

  test('CLI flags win over environment variables; bad values name both', () => {
    const cli = parseFakeSttVendorCli(['--max-concurrent-jobs', '3', '--retry-after', 'off'], {
      FAKE_STT_MAX_CONCURRENT_JOBS: '7',
      FAKE_STT_RANDOM_429_RATE: '0.1',
      FAKE_STT_PORT: '4999',
    });
    assert.deepEqual(cli, { help: false, options: { host: undefined, port: 4999, maxConcurrentJobs: 3, retryAfter: false, random429Rate: 0.1 } });
    assert.throws(() => parseFakeSttVendorCli([], { FAKE_STT_HANG: 'sometimes' }), (err: Error) => err instanceof ConfigError && /^--hang \/ FAKE_STT_HANG:/.test(err.message));
    assert.throws(() => parseFakeSttVendorCli(['--processing-ms', 'soon'], {}), /--processing-ms: must be a number/);
  });
});
