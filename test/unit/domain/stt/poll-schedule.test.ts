import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstPollDelayMs, MIN_TIMING_SAMPLES, nextPollDelayMs } from '../../../../src/domain/stt/poll-schedule';

const POLL_MS = 1_000;
const LEASE_MS = 120_000;

test('first poll delay: the fastest recent rate times this job’s bytes, between the poll interval and half the slot lease', () => {
  const cases: Array<[string, { fastestMsPerByte: number | null; samples: number }, number | null, number]> = [
    ['no timing yet', { fastestMsPerByte: null, samples: 0 }, 16_000, POLL_MS],
    ['too few jobs to trust', { fastestMsPerByte: 0.3, samples: MIN_TIMING_SAMPLES - 1 }, 16_000, POLL_MS],
    ['audio of unknown size', { fastestMsPerByte: 0.3, samples: 5 }, null, POLL_MS],
    ['5 s for 16,000 bytes', { fastestMsPerByte: 5_000 / 16_000, samples: 5 }, 16_000, 5_000],
    ['twice the audio, twice the wait', { fastestMsPerByte: 5_000 / 16_000, samples: 5 }, 32_000, 10_000],
    ['a fast vendor never polls faster than the interval', { fastestMsPerByte: 0.001, samples: 5 }, 16_000, POLL_MS],
    ['an hour-long estimate stops at half the lease', { fastestMsPerByte: 3_600_000 / 16_000, samples: 5 }, 16_000, LEASE_MS / 2],
  ];
  for (const [name, timing, size, expected] of cases) assert.equal(firstPollDelayMs(timing, size, POLL_MS, LEASE_MS), expected, name);
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
