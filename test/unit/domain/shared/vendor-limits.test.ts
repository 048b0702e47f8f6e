import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  afterAcceptedSubmit,
  afterCompletion,
  afterConcurrencyRefusal,
  effectiveCap,
  gateFor,
  INITIAL_CAP,
  limitClassOf,
  maySubmitAnother,
  type AdaptiveCap,
} from '../../../../src/domain/shared/vendor-limits';

describe('which gate a 429 closes', () => {
  test('RTZR codes name their limit; concurrency and quota stop submits only, rate and unknown stop everything', () => {
    const rows = ['A0001', 'A0002', 'A0003', 'insufficient_quota', 'rate_limit_exceeded', undefined].map((code) => [code, limitClassOf(code), gateFor(limitClassOf(code))]);
    assert.deepEqual(rows, [
      ['A0001', 'quota', 'submit'],
      ['A0002', 'concurrency', 'submit'],
      ['A0003', 'rate', 'all'],
      ['insufficient_quota', 'quota', 'submit'],
      ['rate_limit_exceeded', 'unknown', 'all'],
      [undefined, 'unknown', 'all'],
    ]);
  });
});

/** A refusal of a submit sent after the previous refusal was recorded, with `n` jobs running by our count. */
const counting = (n: number) => ({ acceptedInFlight: n, sentBeforePreviousRefusal: false });

describe('the adaptive cap', () => {
  test('starts at the configured cap and never exceeds a configured cap lowered later', () => {
    assert.equal(effectiveCap(INITIAL_CAP, 10), 10);
    assert.equal(effectiveCap({ ...INITIAL_CAP, learned: 8 }, 5), 5);
  });

  test('an A0002 lowers it to the jobs in flight then (the refused submit included) minus one, never below 1', () => {
    const proven = afterAcceptedSubmit(INITIAL_CAP, 3);
    const refused = afterConcurrencyRefusal(proven, 10, counting(3));
    assert.equal(effectiveCap(refused, 10), 3);
    assert.equal(effectiveCap(afterConcurrencyRefusal(INITIAL_CAP, 10, counting(0)), 10), 1);
  });

  test('a second A0002 before any submit is accepted halves the cap: a limit that fell from 10 to 4 is followed in two refusals', () => {
    const first = afterConcurrencyRefusal(afterAcceptedSubmit(INITIAL_CAP, 10), 10, counting(9));
    assert.equal(effectiveCap(first, 10), 9);
    const second = afterConcurrencyRefusal(first, 10, counting(8));
    assert.equal(effectiveCap(second, 10), 4);
    const accepted = afterAcceptedSubmit(second, 4);
    assert.equal(accepted.refusedSinceAccept, false);
    assert.equal(effectiveCap(afterConcurrencyRefusal(accepted, 10, counting(4)), 10), 4, 'after an accepted submit a refusal steps down only to the jobs in flight');
    const stale = afterConcurrencyRefusal(second, 10, counting(7));
    assert.equal(effectiveCap(stale, 10), 4, 'a refusal of a submit admitted before the cap fell (7 in flight, cap 4) teaches nothing new');
  });

  test('one fall of the limit halves the cap once: a later refusal before any accept steps down to its count', () => {
    // Our count can be one below the vendor's (a job accepted between a submit's request and the
    // record of its refusal, then finished): after a halving to 4, a refusal counting 3 is that.
    const first = afterConcurrencyRefusal(afterAcceptedSubmit(INITIAL_CAP, 10), 10, counting(9));
    const halved = afterConcurrencyRefusal(first, 10, counting(8));
    assert.equal(effectiveCap(halved, 10), 4);
    assert.equal(halved.halvedSinceAccept, true);
    const third = afterConcurrencyRefusal(halved, 10, counting(3));
    assert.equal(effectiveCap(third, 10), 3, 'steps to its count, not 4 / 2');
    assert.equal(effectiveCap(afterConcurrencyRefusal(third, 10, counting(2)), 10), 2, 'and so on, one count at a time, while refusals keep coming');
    const accepted = afterAcceptedSubmit(third, 3);
    assert.deepEqual([accepted.refusedSinceAccept, accepted.halvedSinceAccept], [false, false], 'an accepted submit ends the fall');
    const nextFall = afterConcurrencyRefusal(afterConcurrencyRefusal(accepted, 10, counting(3)), 10, counting(2));
    assert.equal(effectiveCap(nextFall, 10), 1, 'a new fall after an accept halves again (3 → floor(3 / 2))');
  });

  test('submits on their way together are refused together without halving: the last of them counts 4 under a cap of 5 and steps to 4', () => {
    // bench:stt (c): three submits went out with 4 jobs accepted; each refusal counted the submits
    // still on their way as running (5), until the last one's count fell to 4 and halved 5 to 2.
    const first = afterConcurrencyRefusal(afterAcceptedSubmit(INITIAL_CAP, 4), 10, counting(5));
    assert.equal(effectiveCap(first, 10), 5);
    const sibling = afterConcurrencyRefusal(first, 10, { acceptedInFlight: 5, sentBeforePreviousRefusal: true });
    const last = afterConcurrencyRefusal(sibling, 10, { acceptedInFlight: 4, sentBeforePreviousRefusal: true });
    assert.equal(effectiveCap(last, 10), 4, 'not floor(5 / 2)');
    assert.equal(last.halvedSinceAccept, false, 'no halving spent: a submit sent after these that is refused below the cap still halves');
    assert.equal(effectiveCap(afterConcurrencyRefusal(last, 10, counting(3)), 10), 2);
  });

  test('every K completions without an A0002 raise it by one, up to the configured cap', () => {
    let state: AdaptiveCap = afterConcurrencyRefusal(INITIAL_CAP, 5, counting(3));
    const caps: number[] = [];
    for (let i = 0; i < 8; i++) {
      state = afterCompletion(state, 5, 3);
      caps.push(effectiveCap(state, 5));
    }
    assert.deepEqual(caps, [3, 3, 4, 4, 4, 5, 5, 5]);
    assert.equal(state.learned, null, 'back at the configured cap nothing is learned any more');
  });

  test('up to the proven concurrency jobs take slots freely; one at a time goes beyond it', () => {
    assert.equal(maySubmitAnother(3, 10, 5), true);
    assert.equal(maySubmitAnother(5, 10, 5), true, 'the probe');
    assert.equal(maySubmitAnother(6, 10, 5), false, 'a probe is pending');
    assert.equal(maySubmitAnother(0, 10, 0), true, 'the first job ever');
    assert.equal(maySubmitAnother(10, 10, 10), false, 'at the cap');
  });
});
