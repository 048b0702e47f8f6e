import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { HostSlots } from '../../../../src/activities/etl/host-slots';

const never = new AbortController().signal;

describe('HostSlots', () => {
  test('bounds downloads per host, hands a freed slot to the first in line, and keeps hosts apart', async () => {
    const slots = new HostSlots(2, 10);
    const a1 = await slots.acquire('a', never, () => undefined);
    const a2 = await slots.acquire('a', never, () => undefined);
    const b1 = await slots.acquire('b', never, () => undefined);
    const order: string[] = [];
    const third = slots.acquire('a', never, () => undefined).then((release) => (order.push('third'), release));
    const fourth = slots.acquire('a', never, () => undefined).then((release) => (order.push('fourth'), release));
    await sleep(20);
    assert.deepEqual(slots.usage('a'), { busy: 2, waiting: 2 });
    assert.deepEqual(order, []);
    a1();
    a1(); // twice is once
    const release3 = await third;
    assert.deepEqual(order, ['third']);
    assert.deepEqual(slots.usage('a'), { busy: 2, waiting: 1 });
    a2();
    (await fourth)();
    release3();
    b1();
    assert.deepEqual([slots.usage('a'), slots.usage('b')], [{ busy: 0, waiting: 0 }, { busy: 0, waiting: 0 }]);
  });

  test('a waiter ticks while it waits, and an abort takes it out of line with the signal reason', async () => {
    const slots = new HostSlots(1, 10);
    const held = await slots.acquire('h', never, () => undefined);
    let ticks = 0;
    const controller = new AbortController();
    const waiting = slots.acquire('h', controller.signal, () => void ticks++);
    await sleep(45);
    assert.ok(ticks >= 2, `ticked ${ticks} times`);
    controller.abort(new Error('cancelled by the workflow'));
    await assert.rejects(waiting, /cancelled by the workflow/);
    assert.deepEqual(slots.usage('h'), { busy: 1, waiting: 0 });
    held();
    assert.deepEqual(slots.usage('h'), { busy: 0, waiting: 0 });
    const aborted = new AbortController();
    aborted.abort(new Error('already gone'));
    await assert.rejects(slots.acquire('h', aborted.signal, () => undefined), /already gone/);
  });
});
