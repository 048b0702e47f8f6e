import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toCsv } from '../../../src/api/shared/csv';

const cells = (csv: string) => csv.split('\r\n')[1];

test('text a spreadsheet would run as a formula is written as text', () => {
  for (const [value, written] of [
    ['-A1', "'-A1"],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['+1+2', "'+1+2"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\t=1', "'\t=1"],
    ['\r=1', `"'\r=1"`],
    ['-5', "'-5"],
    ['site-1', 'site-1'],
    ['', ''],
  ]) {
    assert.equal(cells(toCsv([{ siteId: value }], ['siteId'])), written, JSON.stringify(value));
  }
});

test('numbers stay numbers, negative ones included', () => {
  assert.equal(cells(toCsv([{ siteId: '-A1', aal: -0.25, year: 2050 }], ['siteId', 'aal', 'year'])), "'-A1,-0.25,2050");
});
