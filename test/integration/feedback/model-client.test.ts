import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildFeedbackPrompt, checkAnswer, FEEDBACK_SCHEMA_NAME, feedbackJsonSchema } from '../../../src/domain/feedback';
import { ModelClient } from '../../../src/infra/feedback/model-client';
import { ModelProtocolError, ModelRateLimitedError, ModelRefusedError, ModelUnavailableError } from '../../../src/infra/feedback/model-errors';
import { startFakeModelServer, type FakeModelServer } from '../../support/feedback';

describe('the model client against the fake model server', () => {
  let server: FakeModelServer;
  let client: ModelClient;
  const request = {
    messages: buildFeedbackPrompt({ challengeId: 'c', title: 'T', summary: '', criteria: ['a', 'b'], category: null }, { text: 'hello' }),
    responseSchema: { name: FEEDBACK_SCHEMA_NAME, schema: feedbackJsonSchema() },
  };

  before(async () => {
    server = await startFakeModelServer({ tokenLatencyMs: 1, apiKey: 'sk-test' });
    client = new ModelClient({ baseUrl: `${server.url}/v1`, model: 'eco-feedback-1', apiKey: 'sk-test', requestTimeoutMs: 10_000, idleTimeoutMs: 1_000, maxConnections: 4 });
  });
  after(async () => {
    await client.close();
    await server.stop();
  });

  test('streaming: pieces arrive through onDelta, add up to the answer, and usage comes from the last chunk', async () => {
    const pieces: string[] = [];
    let accepted = 0;
    const result = await client.complete(request, { stream: true, onDelta: (t) => pieces.push(t), onAccepted: () => void accepted++ });
    assert.ok(pieces.length > 1);
    assert.equal(pieces.join(''), result.content);
    assert.equal(accepted, 1);
    assert.equal(result.finishReason, 'stop');
    assert.ok(checkAnswer(result.content).valid);
    assert.ok(result.usage && result.usage.completionTokens === Math.ceil(result.content.length / 4));
  });

  test('non-streaming gives the same deterministic answer', async () => {
    const streamed = await client.complete(request, { stream: true });
    const whole = await client.complete(request, { stream: false });
    assert.equal(whole.content, streamed.content);
    assert.deepEqual(whole.usage, streamed.usage);
  });

  test('each misbehaviour becomes its typed error', async () => {
    const cases: Array<[Parameters<FakeModelServer['admin']['configure']>[0], new (...a: never[]) => Error]> = [
      [{ malformedNext: 1 }, ModelProtocolError],
      [{ hangNext: 1 }, ModelUnavailableError],
      [{ unavailableNext: 1 }, ModelRateLimitedError],
    ];
    for (const [patch, type] of cases) {
      server.admin.configure(patch);
      await assert.rejects(client.complete(request, { stream: true }), type, JSON.stringify(patch));
    }
    const wrongKey = new ModelClient({ baseUrl: server.url, model: 'm', apiKey: 'wrong', requestTimeoutMs: 5_000, idleTimeoutMs: 1_000, maxConnections: 1 });
    try {
      await assert.rejects(wrongKey.complete(request, { stream: true }), ModelRefusedError);
    } finally {
      await wrongKey.close();
    }
  });

  test('over the concurrency limit: 429 with Retry-After and a concurrency class', async () => {
    server.admin.configure({ maxConcurrentRequests: 1, tokenLatencyMs: 20, retryAfterSeconds: 2 });
    try {
      const results = await Promise.allSettled([client.complete(request, { stream: true }), client.complete(request, { stream: true })]);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.ok(refused.reason instanceof ModelRateLimitedError);
      assert.equal(refused.reason.limitClass, 'concurrency');
      assert.equal(refused.reason.retryAfterMs, 2000);
      assert.ok(results.some((r) => r.status === 'fulfilled'));
    } finally {
      server.admin.configure({ maxConcurrentRequests: 0, tokenLatencyMs: 1 });
    }
  });
});
