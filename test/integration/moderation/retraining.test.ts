import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { isHeldOut } from '../../../src/domain/moderation';
import seed from '../../../src/infra/moderation/seed/labelled-examples.json';
import { RETRAIN_TIMEZONE } from '../../../src/pipelines/moderation/retrain-schedule';
import { api, batchItems, postItems, startIsolatedModerationStack, trainingGate, waitForBatch, waitForRetrain, type TestItem } from '../../support/moderation';
import type { TestStack } from '../../support/stack';

const PRODUCTS = ['노트북', '아이폰', '카메라', '자전거', '모니터', '태블릿', '헤드폰', '게임기', '스마트워치', '전동킥보드'];
const TOPICS = ['양자역학', '유기화학', '선형대수', '미시경제', '한국사', '세포생물학', '열역학', '확률론', '회로이론', '국제법'];

/** Spam of a kind the seed set never saw (second-hand sales), and ham about subjects it never saw. */
function unseenKind(prefix: string, n: number): Array<TestItem & { label: 'spam' | 'ham' }> {
  return Array.from({ length: n }, (_, i) => {
    const spam = i % 2 === 0;
    const text = spam
      ? `${PRODUCTS[i % 10]} 중고 급처 ${10 + i}만원 번개 직거래 택배 가능 네고 사절 ${prefix}${i}`
      : `${TOPICS[i % 10]} ${i}강 복습했어요 개념 정리가 깔끔하고 연습문제 해설이 자세해서 좋았습니다`;
    return { id: `${prefix}-${i}`, kind: 'review', text, label: spam ? 'spam' : 'ham' };
  });
}

async function label(stack: TestStack, items: Array<{ id: string; label: 'spam' | 'ham' }>): Promise<void> {
  for (const item of items) {
    const res = await api(stack, 'POST', `/api/moderation/items/${item.id}/feedback`, { label: item.label, by: 'reviewer-test' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
}

describe('the feedback loop: labels, retraining, promotion', () => {
  let stack: TestStack;
  const training = trainingGate();

  before(async () => {
    // Two first starts: the second finds version 1 and trains nothing.
    stack = await startIsolatedModerationStack({ interceptors: training.interceptors, firstStarts: 2 });
  });

  after(() => stack?.stop());

  test('the first start trains version 1 from the synthetic seed set, once', async () => {
    const { body } = await api(stack, 'GET', '/api/moderation/models');
    assert.equal(body.currentVersion, 1);
    assert.equal(body.versions.length, 1);
    const [v1] = body.versions;
    assert.deepEqual([v1.version, v1.trigger, v1.retrainId, v1.decision, v1.current], [1, 'seed', 'seed', 'promoted', true]);
    assert.equal(v1.trainingExamples + v1.heldoutExamples, seed.examples.length);
    assert.ok(v1.metrics.f1 >= 0.9, JSON.stringify(v1.metrics));
    assert.deepEqual(body.labels, { seed: seed.examples.length, feedback: 0 });
  });

  test('the worker keeps a daily retraining schedule that skips while a run is going', async () => {
    const described = await stack.temporal.schedule.getHandle(stack.config.pipelines.moderation.retrain.scheduleId).describe();
    assert.equal(described.spec.timezone, RETRAIN_TIMEZONE);
    assert.deepEqual(described.spec.calendars?.map((c) => [c.hour, c.minute]), [[[{ start: 3, end: 3, step: 1 }], [{ start: 0, end: 0, step: 1 }]]]);
    assert.equal(described.policies.overlap, ScheduleOverlapPolicy.SKIP);
    assert.equal(described.action.type === 'startWorkflow' && described.action.workflowType, 'moderationRetrainWorkflow');
  });

  test('feedback → retraining → the promoted version makes the later verdicts', { timeout: 240_000 }, async () => {
    const taught = unseenKind('sale', 80);
    const first = await postItems(stack, taught, 'before-feedback');
    await waitForBatch(stack, first.body.id);
    const before = await batchItems(stack, first.body.id);
    assert.ok(before.every((i) => i.modelVersion === 1));
    await label(stack, taught);

    training.hold();
    const started = await api(stack, 'POST', '/api/moderation/retrain');
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const skipped = await api(stack, 'POST', '/api/moderation/retrain');
    assert.equal(skipped.status, 409, 'a second run while one is going is skipped');
    training.release();

    const v2 = await waitForRetrain(stack, started.body.retrainId);
    assert.equal(v2.version, 2);
    assert.equal(v2.decision, 'promoted', v2.decisionReason);
    assert.equal(v2.baseline.version, 1);
    assert.ok(v2.metrics.f1 >= v2.baseline.metrics.f1, v2.decisionReason);
    assert.ok(v2.metrics.f1 > v2.baseline.metrics.f1, `the new kind of spam is learnt: ${v2.decisionReason}`);
    assert.equal((await api(stack, 'GET', '/api/moderation/models')).body.currentVersion, 2);

    const later = await postItems(stack, [{ id: 'sale-new', kind: 'review', text: '카메라 중고 급처 25만원 번개 직거래 택배 가능 네고 사절' }], 'after-feedback');
    const done = await waitForBatch(stack, later.body.id);
    assert.equal(done.modelVersion, 2);
    const [item] = await batchItems(stack, later.body.id);
    assert.equal(item.modelVersion, 2);
    assert.ok(item.scores.spamProbability >= 0.7, `P(spam) ${item.scores.spamProbability}`);
    assert.notEqual(item.verdict, 'allow');
    // Earlier verdicts keep the version that made them.
    assert.ok((await batchItems(stack, first.body.id)).every((i) => i.modelVersion === 1));
  });

  test('a model that does worse on the held-out split is stored but not promoted', { timeout: 240_000 }, async () => {
    // Poison: clean seed reviews labelled spam, all on the training side of the split, so the
    // candidate learns that ordinary praise is spam and is scored on untouched examples.
    const ham = seed.examples.filter((e) => e.label === 'ham');
    const poisoned: Array<TestItem & { label: 'spam' }> = [];
    for (let i = 0; poisoned.length < 250; i += 1) {
      const id = `poison-${i}`;
      if (!isHeldOut(`feedback:${id}`, stack.config.pipelines.moderation.retrain.holdoutPercent)) poisoned.push({ id, kind: 'review', text: ham[i % ham.length].text, label: 'spam' });
    }
    await waitForBatch(stack, (await postItems(stack, poisoned, 'poison')).body.id);
    await label(stack, poisoned);

    const started = await api(stack, 'POST', '/api/moderation/retrain');
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const v3 = await waitForRetrain(stack, started.body.retrainId);
    assert.equal(v3.version, 3);
    assert.equal(v3.decision, 'rejected');
    assert.equal(v3.promotedAt, null);
    assert.equal(v3.baseline.version, 2);
    assert.ok(v3.metrics.f1 < v3.baseline.metrics.f1, v3.decisionReason);
    assert.match(v3.decisionReason, /^worse: F1/);

    const models = (await api(stack, 'GET', '/api/moderation/models')).body;
    assert.equal(models.currentVersion, 2);
    assert.deepEqual(models.versions.map((v: any) => [v.version, v.decision, v.current]), [[3, 'rejected', false], [2, 'promoted', true], [1, 'promoted', false]]);
    const later = await postItems(stack, [{ id: 'after-poison', kind: 'review', text: '설명이 친절해요. 복습하기 좋게 구성되어 있어요.' }], 'after-poison');
    assert.equal((await waitForBatch(stack, later.body.id)).modelVersion, 2);
  });
});
