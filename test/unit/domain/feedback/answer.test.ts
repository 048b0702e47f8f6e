import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkAnswer, feedbackJsonSchema } from '../../../../src/domain/feedback';

const valid = {
  verdict: 'partly_meets',
  score: 62,
  summary: 'Good start.',
  criteria: [{ criterion: 'Shows the action', met: true, comment: 'Yes.' }],
  suggestions: ['Say how often.'],
};

describe('checkAnswer', () => {
  test('a valid answer, bare or in a ```json fence', () => {
    assert.deepEqual(checkAnswer(JSON.stringify(valid)), { valid: true, answer: valid });
    assert.deepEqual(checkAnswer('```json\n' + JSON.stringify(valid) + '\n```'), { valid: true, answer: valid });
  });

  test('cut-off JSON is invalid, saying it is not JSON', () => {
    const check = checkAnswer(JSON.stringify(valid).slice(0, 30));
    assert.equal(check.valid, false);
    assert.match((check as { reason: string }).reason, /^not JSON \(/);
  });

  test('a schema violation names the field', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ ...valid, score: 101 }, /^score: /],
      [{ ...valid, verdict: 'great' }, /^verdict: /],
      [{ ...valid, criteria: [{ criterion: 'x', met: 'yes', comment: '' }] }, /^criteria\.0\.met: /],
      [{ ...valid, extra: true }, /^the answer: /],
      [[], /^the answer: /],
    ];
    for (const [answer, reason] of cases) {
      const check = checkAnswer(JSON.stringify(answer));
      assert.equal(check.valid, false, JSON.stringify(answer));
      assert.match((check as { reason: string }).reason, reason);
    }
  });
});

describe('feedbackJsonSchema', () => {
  test('is a strict object schema naming every field as required, for response_format', () => {
    const schema = feedbackJsonSchema() as { type: string; required: string[]; additionalProperties: boolean; properties: Record<string, { enum?: string[] }> };
    assert.equal(schema.type, 'object');
    assert.deepEqual([...schema.required].sort(), ['criteria', 'score', 'suggestions', 'summary', 'verdict']);
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(schema.properties.verdict.enum, ['meets', 'partly_meets', 'does_not_meet']);
  });
});
