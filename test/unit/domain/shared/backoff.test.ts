import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelayMs } from '../../../../src/domain/shared/backoff';

test('backoff doubles from 5 s per consecutive 429 and stops at the cap', () => {
  const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => backoffDelayMs(n, 5_000, 300_000, 0));
  assert.deepEqual(delays, [5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
});

test('jitter adds at most 20 % and never shortens the wait', () => {
  assert.equal(backoffDelayMs(1, 5_000, 300_000, 1), 6_000);
  assert.equal(backoffDelayMs(1, 5_000, 300_000, 0.5), 5_500);
  assert.equal(backoffDelayMs(1, 5_000, 300_000, -3), 5_000);
  assert.equal(backoffDelayMs(0, 5_000, 300_000, 0), 5_000);
});

test('a huge streak does not overflow', () => {
  assert.equal(backoffDelayMs(10_000, 5_000, 300_000, 0), 300_000);
});
