import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DuplicateIdFilter, normaliseRows, validateJsonRecord, validateRow } from '../../../../src/domain/etl/rows';
import type { Field, RawValues, RowResult, VideoRecord } from '../../../../src/domain/etl/types';

const GOOD: RawValues = {
  id: ' v-001 ',
  title: '  스마트팜 입문  ',
  category: '농업기술',
  instructor: '김강사',
  durationSeconds: '1시간 2분 3초',
  publishedAt: '2021년 3월 4일',
  videoUrl: 'https://cdn.example.com/v/001.mp4',
};

const row = (overrides: Partial<RawValues>): RawValues => ({ ...GOOD, ...overrides });

function rejectionOf(result: RowResult) {
  assert.equal(result.ok, false, 'expected a rejection');
  if (result.ok) throw new Error('unreachable');
  return result.rejection;
}

describe('validateRow', () => {
  test('a good row is trimmed and normalised', () => {
    assert.deepEqual(validateRow(GOOD, 2), {
      ok: true,
      rowNumber: 2,
      video: {
        id: 'v-001',
        title: '스마트팜 입문',
        category: '농업기술',
        instructor: '김강사',
        durationSeconds: 3723,
        publishedAt: '2021-03-04',
        videoUrl: 'https://cdn.example.com/v/001.mp4',
      } satisfies VideoRecord,
    });
  });

  test('optional values may be empty or absent, and become null', () => {
    const result = validateRow({ ...row({ category: '  ', instructor: undefined, durationSeconds: '', publishedAt: undefined }) }, 3);
    assert.ok(result.ok);
    assert.deepEqual(
      [result.video.category, result.video.instructor, result.video.durationSeconds, result.video.publishedAt],
      [null, null, null, null],
    );
  });

  test('an id of exactly 100 characters (Hangul counted as one each) passes', () => {
    assert.equal(validateRow(row({ id: '가'.repeat(100) }), 2).ok, true);
  });

  test('a decomposed Hangul id is stored composed', () => {
    const result = validateRow(row({ id: '강의1'.normalize('NFD') }), 2);
    assert.ok(result.ok);
    assert.equal(result.video.id, '강의1');
  });

  const rejections: Array<[string, Partial<RawValues>, Field, RegExp]> = [
    ['missing id', { id: undefined }, 'id', /^id is required$/],
    ['blank id', { id: '   ' }, 'id', /^id is required$/],
    ['id too long', { id: 'x'.repeat(101) }, 'id', /id longer than 100 characters/],
    ['id with a control character', { id: 'a\u0000b' }, 'id', /control characters/],
    ['missing title', { title: '' }, 'title', /^title is required$/],
    ['title with a NUL byte', { title: 'a\u0000b' }, 'title', /^title contains a NUL character$/],
    ['instructor with a NUL byte', { instructor: '김\u0000' }, 'instructor', /^instructor contains a NUL character$/],
    ['bad duration', { durationSeconds: '한 시간' }, 'durationSeconds', /unrecognised duration "한 시간"/],
    ['out-of-range duration', { durationSeconds: '10:75' }, 'durationSeconds', /seconds out of range/],
    ['bad date', { publishedAt: 'next week' }, 'publishedAt', /unrecognised date "next week"/],
    ['impossible date', { publishedAt: '2021-02-30' }, 'publishedAt', /impossible date in "2021-02-30"/],
    ['missing URL', { videoUrl: undefined }, 'videoUrl', /^video URL is required$/],
    ['relative URL', { videoUrl: 'videos/1.mp4' }, 'videoUrl', /not an absolute URL/],
    ['javascript: URL', { videoUrl: 'javascript:alert(document.cookie)' }, 'videoUrl', /scheme "javascript:" is not allowed/],
    ['file: URL', { videoUrl: 'file:///etc/passwd' }, 'videoUrl', /scheme "file:" is not allowed/],
    ['data: URL', { videoUrl: 'data:text/html,<script>' }, 'videoUrl', /scheme "data:" is not allowed/],
    ['ftp: URL', { videoUrl: 'ftp://files.example.com/1.mp4' }, 'videoUrl', /scheme "ftp:" is not allowed/],
    ['URL with credentials', { videoUrl: 'https://admin:pw@example.com/1.mp4' }, 'videoUrl', /user name or password/],
  ];
  for (const [name, overrides, column, reason] of rejections) {
    test(`rejects: ${name}`, () => {
      const rejection = rejectionOf(validateRow(row(overrides), 7));
      assert.equal(rejection.rowNumber, 7);
      assert.equal(rejection.column, column);
      assert.match(rejection.reason, reason);
    });
  }

  test('a long bad value is quoted back cut short', () => {
    const rejection = rejectionOf(validateRow(row({ publishedAt: 'x'.repeat(5000) }), 2));
    assert.ok(rejection.reason.length < 300, rejection.reason);
  });

  test('the first failing column in field order is the one reported', () => {
    assert.equal(rejectionOf(validateRow(row({ title: '', videoUrl: 'file:///x' }), 2)).column, 'title');
  });
});

describe('duplicate ids', () => {
  const ok = (rowNumber: number, id: string): RowResult => validateRow(row({ id, title: `row ${rowNumber}` }), rowNumber);

  test('the first occurrence wins and later ones are rejected naming it', () => {
    const result = normaliseRows([ok(2, 'a'), ok(3, 'b'), ok(4, 'a'), ok(5, ' a '), ok(6, 'c')]);
    assert.deepEqual(
      result.accepted.map((r) => [r.rowNumber, r.video.id, r.video.title]),
      [
        [2, 'a', 'row 2'],
        [3, 'b', 'row 3'],
        [6, 'c', 'row 6'],
      ],
    );
    assert.deepEqual(result.rejections, [
      { rowNumber: 4, column: 'id', reason: 'duplicate id (first seen on row 2)' },
      { rowNumber: 5, column: 'id', reason: 'duplicate id (first seen on row 2)' },
    ]);
  });

  test('a rejected row claims no id, so its corrected copy is kept', () => {
    const broken = validateRow(row({ id: 'a', videoUrl: '' }), 2);
    const result = normaliseRows([broken, ok(3, 'a'), ok(4, 'a')]);
    assert.deepEqual(
      result.accepted.map((r) => r.rowNumber),
      [3],
    );
    assert.deepEqual(
      result.rejections.map((r) => [r.rowNumber, r.reason]),
      [
        [2, 'video URL is required'],
        [4, 'duplicate id (first seen on row 3)'],
      ],
    );
  });

  test('ids are case-sensitive and compared after NFC', () => {
    const result = normaliseRows([ok(2, 'A'), ok(3, 'a'), ok(4, '강의'), ok(5, '강의'.normalize('NFD'))]);
    assert.deepEqual(
      result.accepted.map((r) => r.rowNumber),
      [2, 3, 4],
    );
    assert.equal(result.rejections[0].reason, 'duplicate id (first seen on row 4)');
  });

  test('the incremental filter remembers across batches', () => {
    const filter = new DuplicateIdFilter();
    assert.equal(filter.check(ok(2, 'x')).ok, true);
    assert.equal(filter.check(ok(1000, 'y')).ok, true);
    assert.equal(rejectionOf(filter.check(ok(5000, 'x'))).reason, 'duplicate id (first seen on row 2)');
  });
});

describe('validateJsonRecord', () => {
  const JSON_GOOD = {
    id: 'j-1',
    title: 'Intro',
    category: 'AI',
    instructor: 'Kim',
    durationSeconds: 95,
    publishedAt: '2021-03-04',
    videoUrl: 'https://example.com/1.mp4',
    extra: 'ignored',
  };

  test('a good record, with a numeric duration', () => {
    assert.deepEqual(validateJsonRecord(JSON_GOOD, 0), {
      ok: true,
      rowNumber: 1,
      video: {
        id: 'j-1',
        title: 'Intro',
        category: 'AI',
        instructor: 'Kim',
        durationSeconds: 95,
        publishedAt: '2021-03-04',
        videoUrl: 'https://example.com/1.mp4',
      },
    });
  });

  test('an integer id, a string duration and nulls for optional values', () => {
    const result = validateJsonRecord({ ...JSON_GOOD, id: 42, durationSeconds: '1:30', category: null, instructor: undefined }, 4);
    assert.ok(result.ok);
    assert.equal(result.rowNumber, 5);
    assert.deepEqual([result.video.id, result.video.durationSeconds, result.video.category, result.video.instructor], ['42', 90, null, null]);
  });

  const rejections: Array<[string, unknown, Field | null, RegExp]> = [
    ['not an object', 'id,title', null, /must be a JSON object/],
    ['null', null, null, /must be a JSON object/],
    ['an array', ['a'], null, /must be a JSON object/],
    ['missing videoUrl', { ...JSON_GOOD, videoUrl: undefined }, 'videoUrl', /video URL is required/],
    ['CSV header names are not JSON keys', { id: 'x', 제목: 'Intro', videoUrl: 'https://e.com/a' }, 'title', /title is required/],
    ['fractional id', { ...JSON_GOOD, id: 1.5 }, 'id', /string or an integer/],
    ['object title', { ...JSON_GOOD, title: { ko: '제목' } }, 'title', /title must be a string/],
    ['boolean URL', { ...JSON_GOOD, videoUrl: true }, 'videoUrl', /videoUrl must be a string/],
    ['negative duration', { ...JSON_GOOD, durationSeconds: -3 }, 'durationSeconds', /non-negative/],
    ['NaN-like duration', { ...JSON_GOOD, durationSeconds: Infinity }, 'durationSeconds', /non-negative/],
    ['javascript: URL', { ...JSON_GOOD, videoUrl: 'javascript:void(0)' }, 'videoUrl', /scheme "javascript:"/],
    ['impossible date', { ...JSON_GOOD, publishedAt: '2021-02-30' }, 'publishedAt', /impossible date/],
  ];
  for (const [name, record, column, reason] of rejections) {
    test(`rejects: ${name}`, () => {
      const rejection = rejectionOf(validateJsonRecord(record, 9));
      assert.deepEqual([rejection.rowNumber, rejection.column], [10, column]);
      assert.match(rejection.reason, reason);
    });
  }

  test('inherited properties are not read', () => {
    const record = Object.create({ videoUrl: 'https://example.com/proto.mp4' }) as Record<string, unknown>;
    Object.assign(record, { id: 'p', title: 'T' });
    assert.equal(rejectionOf(validateJsonRecord(record, 0)).column, 'videoUrl');
  });
});
