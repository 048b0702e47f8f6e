import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fromVendorUtterances, srtTime, toPlainText, toSrt, type Utterance } from '../../../../src/domain/stt/transcript-format';

const UTTERANCES: Utterance[] = [
  { speaker: 0, startMs: 0, durationMs: 1_500, text: '안녕하세요, 오늘 강의를 시작하겠습니다.' },
  { speaker: 1, startMs: 1_700, durationMs: 2_345, text: 'Could you repeat the last question, please?' },
  // Crosses the hour: 59:59.5 → 1:00:01.250.
  { speaker: 0, startMs: 3_599_500, durationMs: 1_750, text: 'Thank you all for joining today.' },
];

describe('toPlainText', () => {
  test('one line per utterance, speakers counted from 1', () => {
    assert.equal(
      toPlainText(UTTERANCES),
      'Speaker 1: 안녕하세요, 오늘 강의를 시작하겠습니다.\n' +
        'Speaker 2: Could you repeat the last question, please?\n' +
        'Speaker 1: Thank you all for joining today.\n',
    );
  });

  test('empty input is an empty string', () => {
    assert.equal(toPlainText([]), '');
  });

  test('line breaks inside an utterance are folded, empty utterances skipped', () => {
    const text = toPlainText([
      { speaker: 2, startMs: 0, durationMs: 10, text: 'first line\r\n\n  second line ' },
      { speaker: 0, startMs: 10, durationMs: 10, text: ' \n ' },
    ]);
    assert.equal(text, 'Speaker 3: first line second line\n');
  });
});

describe('toSrt', () => {
  test('known answer, including the hour rollover', () => {
    assert.equal(
      toSrt(UTTERANCES),
      [
        '1',
        '00:00:00,000 --> 00:00:01,500',
        'Speaker 1: 안녕하세요, 오늘 강의를 시작하겠습니다.',
        '',
        '2',
        '00:00:01,700 --> 00:00:04,045',
        'Speaker 2: Could you repeat the last question, please?',
        '',
        '3',
        '00:59:59,500 --> 01:00:01,250',
        'Speaker 1: Thank you all for joining today.',
        '',
        '',
      ].join('\n'),
    );
  });

  test('empty input is an empty string', () => {
    assert.equal(toSrt([]), '');
  });

  test('cues stay numbered consecutively when an empty utterance is skipped', () => {
    const srt = toSrt([
      { speaker: 0, startMs: 0, durationMs: 1_000, text: 'a' },
      { speaker: 0, startMs: 1_000, durationMs: 1_000, text: '   ' },
      { speaker: 1, startMs: 2_000, durationMs: 1_000, text: 'b\n\nc' },
    ]);
    assert.equal(srt, '1\n00:00:00,000 --> 00:00:01,000\nSpeaker 1: a\n\n2\n00:00:02,000 --> 00:00:03,000\nSpeaker 2: b c\n\n');
  });
});

describe('srtTime', () => {
  const cases: Array<[number, string]> = [
    [0, '00:00:00,000'],
    [1, '00:00:00,001'],
    [59_999, '00:00:59,999'],
    [60_000, '00:01:00,000'],
    [3_599_999, '00:59:59,999'],
    [3_600_000, '01:00:00,000'],
    [86_399_999, '23:59:59,999'],
    [90_000_000, '25:00:00,000'],
    [360_000_000 + 61_001, '100:01:01,001'],
    [1_234.6, '00:00:01,235'],
    [-5, '00:00:00,000'],
  ];
  for (const [ms, expected] of cases) test(`${ms} ms → ${expected}`, () => assert.equal(srtTime(ms), expected));
});

describe('fromVendorUtterances', () => {
  test('maps milliseconds and speakers, trims text and drops empty utterances', () => {
    const ours = fromVendorUtterances([
      { start_at: 200, duration: 1_300, msg: '  다음 슬라이드로 넘어가겠습니다. ', spk: 0 },
      { start_at: 1_700, duration: 400, msg: '   ', spk: 1 },
      { start_at: 2_300, duration: 2_000, msg: 'This slide compares the four SSP scenarios.', spk: 1 },
      { start_at: 4_500, duration: 100, msg: '', spk: 0 },
    ]);
    assert.deepEqual(ours, [
      { speaker: 0, startMs: 200, durationMs: 1_300, text: '다음 슬라이드로 넘어가겠습니다.' },
      { speaker: 1, startMs: 2_300, durationMs: 2_000, text: 'This slide compares the four SSP scenarios.' },
    ]);
    assert.equal(toPlainText(ours), 'Speaker 1: 다음 슬라이드로 넘어가겠습니다.\nSpeaker 2: This slide compares the four SSP scenarios.\n');
  });

  test('no utterances', () => {
    assert.deepEqual(fromVendorUtterances([]), []);
  });
});
