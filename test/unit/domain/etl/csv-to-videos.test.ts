/**
 * End to end through the pure row rules, as the staging activity chains them: CSV bytes → records
 * (the infra reader) → header mapping → row validation → duplicate collapse.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { readCsvRecords, type CsvRecord } from '../../../../src/infra/csv/read-csv-records';
import { isBlankRecord, mapHeader, normaliseRows, recordValues, validateRow, type RowResult } from '../../../../src/domain/etl';

const CSV = [
  '\uFEFF영상ID,제목,카테고리,강사명,재생시간,등록일,동영상 주소,비고',
  'V001,스마트팜 입문,농업기술,김강사,1:02:03,2021-03-04,https://videos.example.com/v001.mp4,',
  'V002,"토양 관리, 기초편",농업기술,이강사,12분,2021년 3월 5일,http://videos.example.com/v002.asx,"메모에 쉼표, 그리고',
  '줄바꿈"',
  'V003,"""따옴표"" 제목",,,,,https://videos.example.com/v003.mp4,',
  'V004,URL 없음,,,,2021.03.06,,',
  'V005,날짜 오류,,,,2021-02-30,https://videos.example.com/v005.mp4,',
  'V006,스크립트,,,,,javascript:alert(1),',
  'V007,로컬 파일,,,,,file:///etc/passwd,',
  '',
  'V001,중복,,,,,https://videos.example.com/dup.mp4,',
  ' V003 ,중복 공백,,,,,https://videos.example.com/dup3.mp4,',
  'V008,"여러 줄',
  '제목",,,PT5M,2021/12/31 오후 3:00,https://videos.example.com/v008.mp4',
].join('\r\n');

test('a Korean CSV with BOM, CRLF and quoted commas and line breaks', async () => {
  const all: CsvRecord[] = [];
  for await (const record of readCsvRecords(Readable.from([Buffer.from(CSV)]))) all.push(record);
  const [header, ...records] = all;
  // Physical lines: V002's note and V008's title each hold a line break.
  assert.deepEqual(
    all.map((r) => r.line),
    [1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13],
  );
  const mapping = mapHeader(header.fields);
  assert.deepEqual(mapping.missing, []);
  assert.deepEqual(mapping.unknown, ['비고']);

  const results: RowResult[] = [];
  records.forEach((record, index) => {
    if (isBlankRecord(record.fields)) return;
    // Spreadsheet row numbers: the header is row 1, and a quoted line break does not start a row.
    results.push(validateRow(recordValues(mapping.columns, record.fields), index + 2));
  });
  const { accepted, rejections } = normaliseRows(results);

  assert.equal(results.length, 10, 'eleven data records, one of them blank');
  assert.deepEqual(
    accepted.map((r) => r.video.id),
    ['V001', 'V002', 'V003', 'V008'],
  );
  assert.deepEqual(accepted[1].video, {
    id: 'V002',
    title: '토양 관리, 기초편',
    category: '농업기술',
    instructor: '이강사',
    durationSeconds: 720,
    publishedAt: '2021-03-05',
    videoUrl: 'http://videos.example.com/v002.asx',
  });
  assert.equal(accepted[2].video.title, '"따옴표" 제목');
  assert.deepEqual(accepted[3].video, {
    id: 'V008',
    title: '여러 줄\r\n제목',
    category: null,
    instructor: null,
    durationSeconds: 300,
    publishedAt: '2021-12-31',
    videoUrl: 'https://videos.example.com/v008.mp4',
  });

  assert.deepEqual(
    rejections.map((r) => [r.rowNumber, r.column, r.reason.replace(/ \(.*\)$/, '').replace(/ in ".*"$/, '')]),
    [
      [5, 'videoUrl', 'video URL is required'],
      [6, 'publishedAt', 'impossible date'],
      [7, 'videoUrl', 'URL scheme "javascript:" is not allowed'],
      [8, 'videoUrl', 'URL scheme "file:" is not allowed'],
      [10, 'id', 'duplicate id'],
      [11, 'id', 'duplicate id'],
    ],
  );
  assert.deepEqual(
    rejections.filter((r) => r.column === 'id').map((r) => r.reason),
    ['duplicate id (first seen on row 2)', 'duplicate id (first seen on row 4)'],
  );
  assert.equal(accepted.length + rejections.length, results.length, 'every non-blank row is accounted for');
});
