import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BatchedTurns, Batcher, TransferSlots } from '../../../src/workflows/etl/batching';

/** A promise and its resolver, to finish a step exactly when the test says so. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const ticks = async (n = 5) => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};

describe('TransferSlots', () => {
  test('runs at most `limit` steps at once and starts waiters in the order they came', async () => {
    const slots = new TransferSlots(2);
    const gates = [deferred<void>(), deferred<void>(), deferred<void>(), deferred<void>()];
    const started: number[] = [];
    const runs = gates.map((gate, i) => slots.run(async () => (started.push(i), gate.promise)));
    await ticks();
    assert.deepEqual([started, slots.running], [[0, 1], 2]);
    gates[1].resolve();
    await ticks();
    assert.deepEqual([started, slots.running], [[0, 1, 2], 2]);
    gates[0].resolve();
    gates[2].resolve();
    gates[3].resolve();
    await Promise.all(runs);
    assert.deepEqual([started, slots.running], [[0, 1, 2, 3], 0]);
  });
});

describe('Batcher', () => {
  test('calls made together go out as one batch; calls made while it is in flight, as the next', async () => {
    const batches: number[][] = [];
    const inFlight: Array<ReturnType<typeof deferred<void>>> = [];
    const batcher = new Batcher(async (inputs: number[]) => {
      batches.push(inputs);
      const gate = deferred<void>();
      inFlight.push(gate);
      await gate.promise;
      return inputs.map((n) => n * 10);
    }, { maxBatch: 3 });
    const first = [1, 2].map((n) => batcher.call(n));
    await ticks();
    const later = [3, 4, 5, 6].map((n) => batcher.call(n));
    await ticks();
    assert.deepEqual(batches, [[1, 2]]);
    inFlight[0].resolve();
    assert.deepEqual(await Promise.all(first), [10, 20]);
    await ticks();
    assert.deepEqual(batches, [[1, 2], [3, 4, 5]], 'at most maxBatch per batch');
    inFlight[1].resolve();
    await ticks();
    inFlight[2].resolve();
    assert.deepEqual(await Promise.all(later), [30, 40, 50, 60]);
    assert.deepEqual(batches, [[1, 2], [3, 4, 5], [6]]);
  });

  test('a failed batch fails its own calls only', async () => {
    let calls = 0;
    const batcher = new Batcher(async (inputs: string[]) => {
      calls += 1;
      if (calls === 1) throw new Error('database away');
      return inputs.map((s) => s.toUpperCase());
    }, { maxBatch: 10 });
    const failed = batcher.call('a');
    await assert.rejects(failed, /database away/);
    assert.equal(await batcher.call('b'), 'B');
  });
});

describe('BatchedTurns', () => {
  /** A BatchedTurns whose steps end when the test says, recording each batch; an item's group is its first letter, "big" has none. */
  function turnsUnderTest(limit: number, maxBatch: number) {
    const batches: string[][] = [];
    const gates: Array<ReturnType<typeof deferred<void>>> = [];
    const groupOf = (s: string) => (s === 'big' ? undefined : s[0]);
    const turns = new BatchedTurns(limit, maxBatch, groupOf, async (inputs: string[]) => {
      batches.push(inputs);
      const gate = deferred<void>();
      gates.push(gate);
      await gate.promise;
      if (inputs.includes('bad')) throw new Error('step failed');
      return inputs.map((s) => s.toUpperCase());
    });
    return { turns, batches, gates };
  }

  test('calls made together share a step, at most maxBatch to one, and never more than limit items run', async () => {
    const { turns, batches, gates } = turnsUnderTest(5, 3);
    const outputs = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'].map((s) => turns.call(s));
    await ticks();
    assert.deepEqual([batches, turns.running], [[['a1', 'a2', 'a3'], ['a4', 'a5']], 5]);
    gates[1].resolve();
    await ticks(10);
    assert.deepEqual([batches.slice(2), turns.running], [[['a6', 'a7']], 5], 'the two freed turns go to the two waiting, together');
    gates[0].resolve();
    gates[2].resolve();
    assert.deepEqual(await Promise.all(outputs), ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7']);
    await ticks();
    assert.equal(turns.running, 0);
  });

  test('the first in line goes with the others of its group, past those of other groups; an item without a group goes alone', async () => {
    const { turns, batches, gates } = turnsUnderTest(10, 4);
    const outputs = ['a1', 'big', 'b1', 'a2', 'b2'].map((s) => turns.call(s));
    await ticks();
    assert.deepEqual(batches, [['a1', 'a2'], ['big'], ['b1', 'b2']]);
    gates.forEach((g) => g.resolve());
    assert.deepEqual(await Promise.all(outputs), ['A1', 'BIG', 'B1', 'A2', 'B2']);
  });

  test('a failed step fails its own calls only, and gives its turns back', async () => {
    const { turns, batches, gates } = turnsUnderTest(2, 2);
    const failed = [turns.call('bad'), turns.call('b1')];
    const later = turns.call('b2');
    await ticks();
    assert.deepEqual([batches, turns.running], [[['bad', 'b1']], 2]);
    gates[0].resolve();
    await assert.rejects(failed[0], /step failed/);
    await assert.rejects(failed[1], /step failed/);
    await ticks();
    assert.deepEqual(batches.slice(1), [['b2']]);
    gates[1].resolve();
    assert.equal(await later, 'B2');
  });
});
