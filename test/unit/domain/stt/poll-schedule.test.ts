import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstPollDelayMs, MIN_TIMING_SAMPLES, nextPollDelayMs } from '../../../../src/domain/stt/poll-schedule';

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
  for (const [name, timing, size, expected] of cases) assert.equal(firstPollDelayMs(timing, size, POLL_MS, LEASE_MS), expected, name);
});

test('first poll delay: halfway between the bounds while they are far apart, at the upper bound once they are close', () => {
  const SIZE = 16_000;
  const bounds = (doneMs: number, runningMs: number | null) => ({ fastestMsPerByte: doneMs / SIZE, slowestRunningMsPerByte: runningMs === null ? null : runningMs / SIZE, samples: 5 });
  const cases: Array<[string, ReturnType<typeof bounds>, number]> = [
    ['no job was polled early: the upper bound', bounds(5_300, null), 5_300],
    ['done by 5.3 s, running at 4.3 s: halfway', bounds(5_300, 4_300), 4_800],
    ['bounds 100 ms apart (a tenth of the interval) are close: the upper bound', bounds(5_100, 5_000), 5_100],
    ['bounds 101 ms apart: halfway', bounds(5_101, 5_000), 5_051],
    ['jobs of different lengths cross the bounds: the upper bound', bounds(5_000, 5_400), 5_000],
    ['halfway is still never below the interval', bounds(1_400, 200), POLL_MS],
  ];
  for (const [name, timing, expected] of cases) assert.equal(firstPollDelayMs(timing, SIZE, POLL_MS, LEASE_MS), expected, name);
});

test('next poll: one short step after a timed first poll that came early, then the interval', () => {
  const cases: Array<[string, number, boolean, number]> = [
    ['a timed first poll found the job still transcribing', 1, true, 250],
    ['the short step did not find it done either', 2, true, POLL_MS],
    ['later polls', 5, true, POLL_MS],
    ['a first poll that was not timed (no recent jobs, or an older run)', 1, false, POLL_MS],
  ];
  for (const [name, polls, timed, expected] of cases) assert.equal(nextPollDelayMs(polls, POLL_MS, timed), expected, name);
});
