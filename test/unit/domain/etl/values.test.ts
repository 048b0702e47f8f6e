import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parsePublishedDate } from '../../../../src/domain/etl/dates';
import { parseDuration } from '../../../../src/domain/etl/duration';
import { parseVideoUrl } from '../../../../src/domain/etl/video-url';

describe('parseDuration', () => {
  const accepted: Array<[string, number]> = [
    ['0', 0],
    ['75', 75],
    [' 3600 ', 3600],
    ['12.4', 12],
    ['12.5', 13],
    ['1:05', 65],
    ['75:00', 4500],
    ['0:59.6', 60],
    ['1:02:03', 3723],
    ['10:00:00', 36000],
    ['1시간 2분 3초', 3723],
    ['1시간2분3초', 3723],
    ['12분', 720],
    ['45초', 45],
    ['2시간', 7200],
    ['1시간 30분', 5400],
    ['90분', 5400],
    ['1h 2m 3s', 3723],
    ['90 min', 5400],
    ['2 hours 5 minutes', 7500],
    ['PT1H2M3S', 3723],
    ['PT15M', 900],
    ['pt45.5s', 46],
  ];
  for (const [text, seconds] of accepted) {
    test(`"${text}" → ${seconds}s`, () => assert.deepEqual(parseDuration(text), { ok: true, value: seconds }));
  }

  const rejected: Array<[string, RegExp]> = [
    ['', /unrecognised duration/],
    ['-5', /unrecognised duration/],
    ['abc', /unrecognised duration/],
    ['1:60', /seconds out of range/],
    ['1:5', /unrecognised duration/],
    ['1:60:00', /minutes or seconds out of range/],
    ['1:00:61', /minutes or seconds out of range/],
    ['3초 2분', /unrecognised duration/],
    ['1시간 반', /unrecognised duration/],
    ['PT', /unrecognised duration/],
    ['1,000', /unrecognised duration/],
    ['9'.repeat(30), /too large/],
  ];
  for (const [text, reason] of rejected) {
    test(`"${text.slice(0, 12)}" is rejected`, () => {
      const result = parseDuration(text);
      assert.equal(result.ok, false);
      if (!result.ok) assert.match(result.reason, reason);
    });
  }
});

describe('parsePublishedDate', () => {
  const accepted: Array<[string, string]> = [
    ['2021-03-04', '2021-03-04'],
    ['2021-3-4', '2021-03-04'],
    ['2021-03-04T10:20:30Z', '2021-03-04'],
    ['2021-03-04T23:30:00.123+09:00', '2021-03-04'],
    ['2021-03-04 10:20', '2021-03-04'],
    ['2021-03-04 10:20:30', '2021-03-04'],
    ['2021.03.04', '2021-03-04'],
    ['2021. 3. 4.', '2021-03-04'],
    ['2021. 3. 4. 오후 3:05:00', '2021-03-04'],
    ['2021/03/04', '2021-03-04'],
    ['2021/3/4 9:05 PM', '2021-03-04'],
    ['2021년 3월 4일', '2021-03-04'],
    ['2021년3월4일', '2021-03-04'],
    ['20210304', '2021-03-04'],
    ['2020-02-29', '2020-02-29'],
    ['2000-02-29', '2000-02-29'],
    ['2021-12-31', '2021-12-31'],
  ];
  for (const [text, iso] of accepted) {
    test(`"${text}" → ${iso}`, () => assert.deepEqual(parsePublishedDate(text), { ok: true, value: iso }));
  }

  const rejected: Array<[string, RegExp]> = [
    ['2021-02-30', /impossible date/],
    ['2021-02-29', /impossible date/],
    ['1900-02-29', /impossible date/],
    ['2021-04-31', /impossible date/],
    ['2021-00-10', /impossible month/],
    ['2021-13-01', /impossible month/],
    ['2021년 2월 30일', /impossible date/],
    ['2021.06.31', /impossible date/],
    ['2021-03-04 24:00', /impossible time/],
    ['2021-03-04 10:60', /impossible time/],
    ['2021/3/4 오후 13:00', /impossible time/],
    ['2021-03-04 soon', /unrecognised time/],
    ['0221-03-04', /year outside/],
    ['2201-03-04', /year outside/],
    ['04/03/2021', /unrecognised date/],
    ['March 4, 2021', /unrecognised date/],
    ['yesterday', /unrecognised date/],
  ];
  for (const [text, reason] of rejected) {
    test(`"${text}" is rejected`, () => {
      const result = parsePublishedDate(text);
      assert.equal(result.ok, false);
      if (!result.ok) assert.match(result.reason, reason);
    });
  }
});

describe('parseVideoUrl', () => {
  const accepted: Array<[string, string]> = [
    ['https://cdn.example.com/v/1.mp4', 'https://cdn.example.com/v/1.mp4'],
    ['  HTTP://Example.COM/a b.mp4 ', 'http://example.com/a%20b.mp4'],
    ['http://127.0.0.1:8080/x.asx', 'http://127.0.0.1:8080/x.asx'],
    ['https://example.com/강의.mp4?q=1', 'https://example.com/%EA%B0%95%EC%9D%98.mp4?q=1'],
  ];
  for (const [text, href] of accepted) {
    test(`accepts ${text.trim()}`, () => assert.deepEqual(parseVideoUrl(text), { ok: true, value: href }));
  }

  const rejected: Array<[string, RegExp]> = [
    ['javascript:alert(1)', /scheme "javascript:" is not allowed \(only http and https\)/],
    ['JavaScript:alert(1)', /scheme "javascript:" is not allowed/],
    ['java\tscript:alert(1)', /scheme "javascript:" is not allowed/],
    ['file:///etc/passwd', /scheme "file:" is not allowed/],
    ['data:video/mp4;base64,AAAA', /scheme "data:" is not allowed/],
    ['ftp://example.com/a.mp4', /scheme "ftp:" is not allowed/],
    ['mms://example.com/a.wmv', /scheme "mms:" is not allowed/],
    ['/videos/a.mp4', /not an absolute URL/],
    ['example.com/a.mp4', /not an absolute URL/],
    ['https://user:secret@example.com/a.mp4', /must not contain a user name or password/],
    ['https://user@example.com/a.mp4', /must not contain a user name or password/],
    [`https://example.com/${'a'.repeat(9000)}`, /longer than 8192/],
  ];
  for (const [text, reason] of rejected) {
    test(`rejects ${text.slice(0, 40)}`, () => {
      const result = parseVideoUrl(text);
      assert.equal(result.ok, false);
      if (!result.ok) assert.match(result.reason, reason);
    });
  }
});

describe('hostile cells', () => {
  // Runs of spaces between optional parts made the patterns backtrack quadratically before the cap.
  test('megabyte-long duration and date cells are refused quickly', () => {
    const started = performance.now();
    const huge = `1${' '.repeat(1_000_000)}x`;
    assert.equal(parseDuration(huge).ok, false);
    assert.equal(parsePublishedDate(`2021-03-04 10:00${' '.repeat(1_000_000)}x`).ok, false);
    assert.ok(performance.now() - started < 1000, `${performance.now() - started} ms`);
  });
});
