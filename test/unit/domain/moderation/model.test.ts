import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  evaluateModel,
  isHeldOut,
  ITEM_KINDS,
  loadSpamModel,
  moderate,
  promotionDecision,
  splitExamples,
  trainSpamModel,
  TrainingError,
  type ModelMetrics,
  type SpamModel,
} from '../../../../src/domain/moderation';
import seed from '../../../../src/infra/moderation/seed/labelled-examples.json';

const examples = seed.examples.map((e) => ({ key: `seed:${e.id}`, kind: e.kind as (typeof ITEM_KINDS)[number], text: e.text, label: e.label as 'spam' | 'ham' }));

/** A model that answers fixed probabilities by text, for known-answer metrics. */
const fixed = (p: Record<string, number>): SpamModel => ({ spamProbability: (item) => p[item.text], serialize: () => '', stats: () => ({ spam: 0, ham: 0, vocabulary: 0 }) });

const metrics = (f1: number, examples = 100): ModelMetrics => ({ examples, truePositives: 0, falsePositives: 0, falseNegatives: 0, trueNegatives: 0, precision: f1, recall: f1, f1, accuracy: f1 });

describe('the shipped seed set', () => {
  test('is synthetic, at least 600 examples, in Korean and English, across the three kinds and both labels', () => {
    assert.match(seed.about, /synthetic/i);
    assert.ok(seed.examples.length >= 600, `${seed.examples.length} examples`);
    for (const lang of ['ko', 'en']) {
      for (const kind of ITEM_KINDS) {
        for (const label of ['spam', 'ham']) assert.ok(seed.examples.some((e) => e.lang === lang && e.kind === kind && e.label === label), `${lang} ${kind} ${label}`);
      }
    }
    assert.equal(new Set(seed.examples.map((e) => e.id)).size, seed.examples.length, 'ids are unique');
  });
});

describe('the held-out split', () => {
  test('depends only on the key: stable, disjoint, and about the asked share', () => {
    const a = splitExamples(examples, 20);
    const b = splitExamples([...examples].reverse(), 20);
    assert.deepEqual(new Set(a.heldOut.map((e) => e.key)), new Set(b.heldOut.map((e) => e.key)));
    assert.equal(a.training.length + a.heldOut.length, examples.length);
    assert.ok(!a.training.some((e) => isHeldOut(e.key, 20)));
    const share = a.heldOut.length / examples.length;
    assert.ok(share > 0.14 && share < 0.26, `held-out share ${share}`);
  });
});

describe('the spam model', () => {
  const { training, heldOut } = splitExamples(examples, 20);
  const model = trainSpamModel(training);

  test('trained on the seed set, it separates the held-out spam from ham', () => {
    const m = evaluateModel(model, heldOut, 0.7);
    assert.ok(m.f1 >= 0.9 && m.precision >= 0.9 && m.recall >= 0.9, JSON.stringify(m));
  });

  test('serialised and loaded again, it answers the same', () => {
    const loaded = loadSpamModel(model.serialize());
    for (const e of heldOut.slice(0, 50)) assert.equal(loaded.spamProbability(e), model.spamProbability(e));
  });

  test('reads spam signals in new text and has no opinion on words it never saw', () => {
    assert.ok(model.spamProbability({ kind: 'review', text: '오늘만 무직자 대출 당일 승인! 카톡 money77 문의' }) > 0.9);
    assert.ok(model.spamProbability({ kind: 'blog', text: 'Act now: crypto signals, visit bit.ly/abc' }) > 0.9);
    assert.ok(model.spamProbability({ kind: 'review', text: '설명이 친절하고 예제가 실무랑 가까워서 좋았습니다' }) < 0.1);
    assert.equal(model.spamProbability({ kind: 'review', text: 'zzzqx wvvvb' }), 0.5);
  });

  test('cannot be trained from one label', () => {
    assert.throws(() => trainSpamModel(training.filter((e) => e.label === 'ham')), TrainingError);
  });
});

describe('metrics and the promotion rule', () => {
  test('precision, recall and F1 of the spam class at the threshold (known answer)', () => {
    const model = fixed({ a: 0.9, b: 0.8, c: 0.2, d: 0.95, e: 0.1, f: 0.7 });
    const labelled = [
      { kind: 'blog', text: 'a', label: 'spam' }, // tp
      { kind: 'blog', text: 'b', label: 'spam' }, // tp
      { kind: 'blog', text: 'c', label: 'spam' }, // fn
      { kind: 'blog', text: 'd', label: 'ham' }, // fp
      { kind: 'blog', text: 'e', label: 'ham' }, // tn
      { kind: 'blog', text: 'f', label: 'ham' }, // fp: 0.7 is at the threshold
    ] as const;
    const m = evaluateModel(model, labelled, 0.7);
    assert.deepEqual([m.truePositives, m.falsePositives, m.falseNegatives, m.trueNegatives], [2, 2, 1, 1]);
    assert.equal(m.precision, 0.5);
    assert.equal(m.recall, 2 / 3);
    assert.equal(m.f1, (2 * 0.5 * (2 / 3)) / (0.5 + 2 / 3));
    assert.equal(m.accuracy, 0.5);
  });

  test('a candidate is promoted unless its F1 is lower than the current model on the same examples', () => {
    assert.equal(promotionDecision(metrics(0.8), null).promote, true);
    assert.equal(promotionDecision(metrics(0.8), { version: 3, metrics: metrics(0.8) }).promote, true);
    assert.equal(promotionDecision(metrics(0.9), { version: 3, metrics: metrics(0.8) }).promote, true);
    const worse = promotionDecision(metrics(0.79), { version: 3, metrics: metrics(0.8) });
    assert.equal(worse.promote, false);
    assert.match(worse.reason, /worse: F1 79\.0 % vs 80\.0 % of version 3/);
    assert.equal(promotionDecision(metrics(1, 0), null).promote, false);
  });
});

describe('verdicts', () => {
  const thresholds = { review: 0.7, block: 0.97 };
  const withP = (p: number) => ({ version: 7, model: fixed({ 'ㅅㅣ발 진짜': p, 'great course': p, 'this course sucks': p }) });

  test('a blocking term blocks whatever the model says, and the reasons keep both stages', () => {
    const result = moderate({ kind: 'review', text: 'ㅅㅣ발 진짜' }, withP(0.01), thresholds);
    assert.equal(result.verdict, 'block');
    assert.deepEqual(result.scores, { profanity: 1, spamProbability: 0.01 });
    assert.deepEqual(result.reasons.model, { version: 7, spamProbability: 0.01, verdict: 'allow' });
    assert.equal(result.reasons.matches[0].term, '시발');
  });

  test('the model decides clean text by the thresholds; the stricter stage wins', () => {
    assert.equal(moderate({ kind: 'review', text: 'great course' }, withP(0.2), thresholds).verdict, 'allow');
    assert.equal(moderate({ kind: 'review', text: 'great course' }, withP(0.7), thresholds).verdict, 'review');
    assert.equal(moderate({ kind: 'review', text: 'great course' }, withP(0.99), thresholds).verdict, 'block');
    assert.equal(moderate({ kind: 'review', text: 'this course sucks' }, withP(0.1), thresholds).verdict, 'review');
    assert.equal(moderate({ kind: 'review', text: 'this course sucks' }, withP(0.99), thresholds).verdict, 'block');
  });
});
