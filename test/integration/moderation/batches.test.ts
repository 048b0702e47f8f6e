import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, batchItems, postItems, waitForBatch, type TestItem } from '../../support/moderation';
import { startTestStack, type TestStack } from '../../support/stack';

const ITEMS: TestItem[] = [
  { id: 'r-clean', kind: 'review', text: '설명이 친절하고 예제가 실무랑 가까워서 좋았습니다. 다음 강의도 수강할 예정입니다.', authorId: 'u1' },
  { id: 'r-profane', kind: 'review', text: '강사 진짜 ㅅㅣ발 돈 아깝다' },
  { id: 'b-spam', kind: 'blog', text: '[광고] 무직자 대출 당일 승인 오늘만 상담 카톡 vip777 비밀 보장' },
  { id: 's-fix', kind: 'subtitle_suggestion', text: "12:03 '데이타베이스' → '데이터베이스'로 수정 부탁드립니다." },
  { id: 'r-rude', kind: 'review', text: 'The course sucks at explaining joins; the examples are from 2012.' },
  { id: 'b-en-spam', kind: 'blog', text: 'Act now! Earn $5000 a week from home. Telegram @richwin88 - 100% safe' },
];

describe('moderation batches over REST', () => {
  let stack: TestStack;
  let batch: any;
  before(async () => {
    stack = await startTestStack({ queues: ['moderation'] });
    const first = await postItems(stack, ITEMS, 'batches-test');
    assert.equal(first.status, 202, JSON.stringify(first.body));
    batch = first.body;
  });
  after(() => stack.stop());

  test('an accepted batch answers like every job: id from the key, links, Location; the same key returns it', async () => {
    assert.equal(batch.id, 'moderation-batches-test');
    assert.equal(batch.created, true);
    assert.deepEqual(batch.links.self, '/api/moderation/batches/moderation-batches-test');
    assert.deepEqual(batch.links.items, '/api/moderation/batches/moderation-batches-test/items');
    const again = await postItems(stack, ITEMS.slice(0, 1), 'batches-test');
    assert.equal(again.status, 200);
    assert.equal(again.body.created, false);
    assert.equal(again.body.counts.total, ITEMS.length, 'the stored batch, not the repeated body');
    assert.equal(again.headers.get('location'), batch.links.self);
  });

  test('every item gets a verdict with scores, reasons and the model version of the batch', async () => {
    const done = await waitForBatch(stack, batch.id);
    assert.equal(done.counts.total, ITEMS.length);
    assert.equal(done.counts.pending, 0);
    assert.equal(done.counts.allow + done.counts.review + done.counts.block, ITEMS.length);
    assert.ok(done.modelVersion >= 1);
    const items = await batchItems(stack, batch.id);
    const byId = Object.fromEntries(items.map((i) => [i.itemId, i]));
    assert.ok(items.every((i) => i.modelVersion === done.modelVersion && i.reasons.model.version === done.modelVersion && i.classifiedAt));

    assert.equal(byId['r-clean'].verdict, 'allow');
    assert.equal(byId['s-fix'].verdict, 'allow');
    assert.equal(byId['r-profane'].verdict, 'block');
    assert.deepEqual(byId['r-profane'].reasons.matches, [{ term: '시발', list: 'badwords-ko', severity: 'block', evasions: ['characters'] }]);
    assert.equal(byId['r-profane'].scores.profanity, 1);
    for (const spam of ['b-spam', 'b-en-spam']) {
      assert.notEqual(byId[spam].verdict, 'allow', spam);
      assert.ok(byId[spam].scores.spamProbability >= 0.7, `${spam}: P(spam) ${byId[spam].scores.spamProbability}`);
      assert.deepEqual(byId[spam].reasons.matches, []);
    }
    assert.equal(byId['r-rude'].reasons.rules.verdict, 'review');
    assert.equal(byId['r-clean'].authorId, 'u1');

    const blocked = await batchItems(stack, batch.id, '&verdict=block');
    assert.ok(blocked.length >= 1 && blocked.every((i) => i.verdict === 'block'));
  });

  test('an item shows its latest verdict and every submission; feedback labels it and takes it off the review queue', async () => {
    await waitForBatch(stack, batch.id);
    const second = await postItems(stack, [{ id: 'r-rude', kind: 'review', text: 'The course still sucks at explaining joins.' }], 'batches-test-2');
    await waitForBatch(stack, second.body.id);
    const item = await api(stack, 'GET', '/api/moderation/items/r-rude');
    assert.equal(item.status, 200);
    assert.deepEqual(item.body.submissions.map((s: any) => s.batchId), [second.body.id, batch.id]);
    assert.equal(item.body.latest.text, 'The course still sucks at explaining joins.');
    assert.equal(item.body.latest.verdict, 'review', JSON.stringify(item.body.latest.reasons));
    assert.equal(item.body.feedback, null);

    const queued = async () => (await api(stack, 'GET', '/api/moderation/review-queue?limit=1000')).body.items.filter((i: any) => i.itemId === 'r-rude');
    assert.deepEqual((await queued()).map((i: any) => i.batchId), [second.body.id], 'only the latest submission is queued');

    const feedback = await api(stack, 'POST', '/api/moderation/items/r-rude/feedback', { label: 'ham', by: 'reviewer-kim' });
    assert.equal(feedback.status, 200, JSON.stringify(feedback.body));
    assert.deepEqual([feedback.body.itemId, feedback.body.label, feedback.body.labelledBy, feedback.body.batchId], ['r-rude', 'ham', 'reviewer-kim', second.body.id]);
    const changed = await api(stack, 'POST', '/api/moderation/items/r-rude/feedback', { label: 'spam', by: 'reviewer-lee' });
    assert.equal(changed.body.label, 'spam');
    const { rows } = await stack.pool.query(`SELECT label, labelled_by FROM moderation_labels WHERE source = 'feedback' AND example_id = 'r-rude'`);
    assert.deepEqual(rows, [{ label: 'spam', labelled_by: 'reviewer-lee' }], 'one label per item: the later replaces the earlier');
    assert.deepEqual(await queued(), []);
    assert.equal((await api(stack, 'GET', '/api/moderation/items/r-rude')).body.feedback.label, 'spam');
  });

  test('batches are listed newest first with their verdict counts', async () => {
    await waitForBatch(stack, batch.id);
    const { body } = await api(stack, 'GET', '/api/moderation/batches?limit=200');
    const listed = body.batches.find((b: any) => b.id === batch.id);
    assert.equal(listed.status, 'COMPLETED');
    assert.equal(listed.counts.total, ITEMS.length);
    assert.equal(listed.counts.allow + listed.counts.review + listed.counts.block, ITEMS.length);
  });

  test('bad input is a 400 naming the field, and nothing is stored', async () => {
    const cases: Array<[unknown, string]> = [
      [{ items: [] }, 'body.items'],
      [{ items: [{ id: 'x', kind: 'tweet', text: 'hi' }] }, 'body.items[0].kind'],
      [{ items: [{ id: 'x', kind: 'blog', text: '' }] }, 'body.items[0].text'],
      [{ items: [ITEMS[0], { ...ITEMS[1], id: ITEMS[0].id }] }, 'body.items[1].id'],
      [{ items: Array.from({ length: 10_001 }, (_, i) => ({ id: `i${i}`, kind: 'blog', text: 'x' })) }, 'body.items'],
      [{ id: 'x', kind: 'blog', text: 'one item needs the items list' }, 'body.items'],
    ];
    for (const [body, field] of cases) {
      const res = await api(stack, 'POST', '/api/moderation/items', body, { 'idempotency-key': 'bad-input' });
      assert.equal(res.status, 400, field);
      assert.equal(res.body.errors[0].field, field);
    }
    assert.equal((await api(stack, 'GET', '/api/moderation/batches/moderation-bad-input')).status, 404);
    assert.equal((await api(stack, 'POST', '/api/moderation/items/nobody/feedback', { label: 'spam', by: 'x' })).status, 404);
    assert.equal((await api(stack, 'POST', '/api/moderation/items/r-clean/feedback', { label: 'maybe', by: 'x' })).body.errors[0].field, 'body.label');
    assert.equal((await api(stack, 'GET', '/api/moderation/items/nobody')).status, 404);
  });

  test('a finished batch cannot be cancelled', async () => {
    await waitForBatch(stack, batch.id);
    assert.equal((await api(stack, 'POST', `/api/moderation/batches/${batch.id}/cancel`)).status, 409);
  });

  test('the current model and its metrics are listed', async () => {
    const { body } = await api(stack, 'GET', '/api/moderation/models');
    const current = body.versions.find((v: any) => v.current);
    assert.equal(current.version, body.currentVersion);
    assert.equal(current.decision, 'promoted');
    assert.ok(current.metrics.f1 > 0.8, JSON.stringify(current.metrics));
    assert.ok(body.labels.seed >= 600);
    assert.equal((await api(stack, 'GET', `/api/moderation/models/${current.version}`)).body.version, current.version);
    assert.equal((await api(stack, 'GET', '/api/moderation/models/99999')).status, 404);
  });
});
