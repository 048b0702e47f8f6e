import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkAnswer } from '../../../src/domain/feedback';
import { feedbackEnv, getFeedbackJob, insertChallenge, lastCallText, postFeedbackJob, readSse, startFakeModelServer, waitForFeedbackJob, type FakeModelServer } from '../../support/feedback';
import { startTestStack, testConfig, type TestStack } from '../../support/stack';

describe('feedback jobs against the fake model server', () => {
  let server: FakeModelServer;
  let stack: TestStack;
  const submission = { text: 'I brought my own cup to the café every day this week instead of taking a paper one.' };

  before(async () => {
    // Slow enough that the stream is still going when the test subscribes.
    server = await startFakeModelServer({ tokenLatencyMs: 15, tokensPerChunk: 2 });
    stack = await startTestStack({ config: testConfig(feedbackEnv(server)), queues: ['feedback'] });
    await insertChallenge(stack.pool, 'plastic-free-week');
  });
  after(async () => {
    await stack.stop();
    await server.stop();
  });

  test('tokens are relayed live over SSE while the job runs, and the stream ends with the stored result', { timeout: 90_000 }, async () => {
    const accepted = await postFeedbackJob(stack, { challengeId: 'plastic-free-week', submission }, 'stream-1');
    assert.equal(accepted.status, 202);
    assert.equal(accepted.body.links.stream, `/api/feedback-jobs/${accepted.body.id}/stream`);
    let viewAtFirstToken: Promise<any> | undefined;
    const events = await readSse(`${stack.apiUrl}${accepted.body.links.stream}`, {
      onEvent: (e) => {
        if (e.event === 'token') viewAtFirstToken ??= getFeedbackJob(stack, accepted.body.id);
      },
    });
    // The first token reached the client while the model was still writing the rest.
    assert.equal((await viewAtFirstToken)?.status, 'RUNNING');
    const tokens = events.filter((e) => e.event === 'token');
    assert.ok(tokens.length > 1, 'the answer arrived in more than one piece');
    assert.equal(events.at(-1)?.event, 'end');
    assert.equal(JSON.parse(events.at(-1)!.data).status, 'COMPLETED');
    const view = await waitForFeedbackJob(stack, accepted.body.id, 'COMPLETED');
    // What streamed is what was validated and stored.
    const streamed = checkAnswer(lastCallText(events));
    assert.ok(streamed.valid);
    assert.deepEqual(view.result, streamed.answer);
    assert.equal(view.result.criteria.length, 3);
    assert.ok(view.usage.promptTokens > 0 && view.usage.completionTokens > 0);

    // A client that reconnects with Last-Event-ID gets only what came after it.
    const middle = tokens[Math.floor(tokens.length / 2)];
    const resumed = await readSse(`${stack.apiUrl}${accepted.body.links.stream}`, { lastEventId: middle.id });
    assert.equal(resumed[0].id, String(Number(middle.id) + 1));
    assert.equal(resumed.at(-1)?.event, 'end');

    const again = await postFeedbackJob(stack, { challengeId: 'plastic-free-week', submission }, 'stream-1');
    assert.equal(again.status, 200);
    assert.equal(again.body.id, accepted.body.id);
  });

  test('an invalid answer is repaired by one more call', { timeout: 60_000 }, async () => {
    server.admin.configure({ invalidJsonNext: 1 });
    const { body } = await postFeedbackJob(stack, { challengeId: 'plastic-free-week', submission }, 'repair-1');
    const view = await waitForFeedbackJob(stack, body.id, 'COMPLETED');
    assert.equal(view.repaired, true);
    assert.equal(view.usage.calls, 2);
    const result: any = await (await fetch(`${stack.apiUrl}/api/feedback-jobs/${body.id}/result`)).json();
    assert.equal(result.repaired, true);
    assert.equal(result.feedback.verdict, view.result.verdict);
  });

  test('an answer still invalid after the repair fails the job with the reason', { timeout: 60_000 }, async () => {
    server.admin.configure({ invalidJsonNext: 2 });
    const { body } = await postFeedbackJob(stack, { challengeId: 'plastic-free-week', submission }, 'repair-fails');
    const view = await waitForFeedbackJob(stack, body.id, 'FAILED');
    assert.match(view.error, /does not follow the feedback schema, even after one repair: not JSON/);
    assert.equal(view.result, null);
    const result = await fetch(`${stack.apiUrl}/api/feedback-jobs/${body.id}/result`);
    assert.equal(result.status, 409);
  });

  test('bad input answers 400 naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ submission }, 'body.challengeId'],
      [{ challengeId: 'Not A Slug', submission }, 'body.challengeId'],
      [{ challengeId: 'plastic-free-week', submission: { text: '   ' } }, 'body.submission.text'],
      [{ challengeId: 'plastic-free-week', submission: { text: 'ok', photos: ['ftp://x/y.jpg'] } }, 'body.submission.photos[0]'],
      // A model server that reads images would fetch these from inside its own network.
      [{ challengeId: 'plastic-free-week', submission: { text: 'ok', photos: ['https://a.example/1.jpg', 'http://169.254.169.254/latest/meta-data/'] } }, 'body.submission.photos[1]'],
      [{ challengeId: 'plastic-free-week', submission: { text: 'ok', photos: ['http://[::1]:8080/x.jpg'] } }, 'body.submission.photos[0]'],
      [{ challengeId: 'plastic-free-week', submission: { text: 'ok', photos: ['https://user:pw@a.example/1.jpg'] } }, 'body.submission.photos[0]'],
      [{ challengeId: 'plastic-free-week', submission: { text: 'ok', extra: 1 } }, 'body.submission'],
      [{ challengeId: 'no-such-challenge', submission }, 'body.challengeId'],
    ];
    for (const [input, field] of cases) {
      const res = await postFeedbackJob(stack, input);
      assert.equal(res.status, 400, JSON.stringify(input));
      assert.equal(res.body.errors[0].field, field, JSON.stringify(res.body));
    }
    const refused = await postFeedbackJob(stack, { challengeId: 'plastic-free-week', submission: { text: 'ok', photos: ['http://10.0.0.7/p.jpg'] } });
    assert.match(refused.body.errors[0].message, /not a public photo URL: 10\.0\.0\.7 is refused/);
  });
});
