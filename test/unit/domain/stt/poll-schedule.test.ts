import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstPollPlan, MIN_TIMING_SAMPLES, nextPollDelayMs } from '../../../../src/domain/stt/poll-schedule';

const POLL_MS = 1_000;
const LEASE_MS = 120_000;

test('first poll delay: the fastest recent rate times this job’s bytes, between the poll interval and half the slot lease', () => {
  const timed = (fastestMsPerByte: number | null, samples: number) => ({ fastestMsPerByte, slowestRunningMsPerByte: null, samples });
  const cases: Array<[string, ReturnType<typeof timed>, number | null, number]> = [
    ['no timing yet', timed(null, 0), 16_000, POLL_MS],
    ['too few jobs to trust', timed(0.3, MIN_TIMING_SAMPLES - 1), 16_000, POLL_MS],
    ['audio of unknown size', timed(0.3, 5), null, POLL_MS],
    ['5 s for 16,000 bytes', timed(5_000 / 16_000, 5), 16_000, 5_000],
    ['twice the audio, twice the wait', timed(5_000 / 16_000, 5), 32_000, 10_000],
    ['a fast vendor never polls faster than the interval', timed(0.001, 5), 16_000, POLL_MS],
    ['an hour-long estimate stops at half the lease', timed(3_600_000 / 16_000, 5), 16_000, LEASE_MS / 2],
  ];
  for (const [name, timing, size, expected] of cases) assert.equal(firstPollPlan(timing, size, POLL_MS, LEASE_MS).firstPollAfterMs, expected, name);
  assert.equal(firstPollPlan(timed(null, 0), 16_000, POLL_MS, LEASE_MS).doneByMs, undefined, 'no upper bound without timing');
});

test('first poll delay: halfway between the bounds while they are far apart, at the upper bound once they are close', () => {
  const SIZE = 16_000;
  const bounds = (doneMs: number, runningMs: number | null) => ({ fastestMsPerByte: doneMs / SIZE, slowestRunningMsPerByte: runningMs === null ? null : runningMs / SIZE, samples: 5 });
  const cases: Array<[string, ReturnType<typeof bounds>, number, number]> = [
    ['no job was polled early: the upper bound', bounds(5_300, null), 5_300, 5_300],
    ['done by 5.3 s, running at 4.3 s: halfway', bounds(5_300, 4_300), 4_800, 5_300],
    ['bounds 100 ms apart (a tenth of the interval) are close: the upper bound', bounds(5_100, 5_000), 5_100, 5_100],
    ['bounds 101 ms apart: halfway', bounds(5_101, 5_000), 5_051, 5_101],
    ['jobs of different lengths cross the bounds: the upper bound', bounds(5_000, 5_400), 5_000, 5_000],
    ['halfway is still never below the interval', bounds(1_400, 200), POLL_MS, 1_400],
  ];
  for (const [name, timing, first, doneBy] of cases) {
    assert.deepEqual(firstPollPlan(timing, SIZE, POLL_MS, LEASE_MS), { firstPollAfterMs: first, doneByMs: doneBy }, name);
  }
});

test('next poll: after an early timed first poll, at the upper bound or one short step, then the interval', () => {
  const cases: Array<[string, number, number | undefined, number]> = [
    ['the first poll went halfway: the next at the upper bound, 500 ms on', 1, 500, 500],
    ['the upper bound is further than an interval: the interval', 1, 1_800, POLL_MS],
    ['the upper bound has passed (a slower job): a quarter of the interval', 1, -20, 250],
    ['no upper bound (no recent job showed the vendor’s time, the first poll went after one interval, or an older run): the interval', 1, undefined, POLL_MS],
    ['the second poll did not find it done either', 2, 500, POLL_MS],
    ['later polls', 5, undefined, POLL_MS],
  ];
  for (const [name, polls, untilDoneBy, expected] of cases) assert.equal(nextPollDelayMs(polls, POLL_MS, untilDoneBy), expected, name);
});
