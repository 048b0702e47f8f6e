import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CsvParser, CsvSyntaxError, parseCsv } from '../../../../src/domain/etl/csv';

const fields = (text: string) => parseCsv(text).map((r) => r.fields);

/** Feeds `text` in pieces of `size` characters: the result must not depend on where chunks split. */
function parseInChunks(text: string, size: number) {
  const parser = new CsvParser();
  const out = [];
  for (let i = 0; i < text.length; i += size) out.push(...parser.push(text.slice(i, i + size)));
  out.push(...parser.end());
  return out;
}

describe('parseCsv', () => {
  test('plain records, with and without a final line break', () => {
    assert.deepEqual(fields('a,b,c\n1,2,3\n'), [['a', 'b', 'c'], ['1', '2', '3']]);
    assert.deepEqual(fields('a,b\n1,2'), [['a', 'b'], ['1', '2']]);
    assert.deepEqual(fields(''), []);
  });

  test('empty fields, including a trailing one', () => {
    assert.deepEqual(fields('a,,c\n,,\n1,'), [['a', '', 'c'], ['', '', ''], ['1', '']]);
  });

  test('CRLF and lone CR end records like LF', () => {
    assert.deepEqual(fields('a,b\r\n1,2\r\n'), [['a', 'b'], ['1', '2']]);
    assert.deepEqual(fields('a,b\r1,2\r'), [['a', 'b'], ['1', '2']]);
  });

  test('a leading BOM is dropped, a BOM elsewhere is data', () => {
    assert.deepEqual(fields('\uFEFFid,x\n1,\uFEFF'), [['id', 'x'], ['1', '\uFEFF']]);
  });

  test('quoted fields hold commas, doubled quotes and line breaks', () => {
    assert.deepEqual(fields('"a,b","say ""hi""","two\r\nlines"\n""\n'), [['a,b', 'say "hi"', 'two\r\nlines'], ['']]);
  });

  test('line numbers are where each record starts, counting quoted line breaks', () => {
    const records = parseCsv('h1,h2\r\n"x\ny",1\r\n"p\r\nq\rr",2\nlast,3');
    assert.deepEqual(
      records.map((r) => r.line),
      [1, 2, 4, 7],
    );
  });

  test('a blank line is a record with one empty field', () => {
    assert.deepEqual(parseCsv('a\n\nb\n'), [
      { fields: ['a'], line: 1 },
      { fields: [''], line: 2 },
      { fields: ['b'], line: 3 },
    ]);
  });

  test('syntax errors name the line and field', () => {
    const cases: Array<[string, number, number, RegExp]> = [
      ['a,b\n1,x"y\n', 2, 2, /quote inside an unquoted field/],
      ['a\n"x"y\n', 2, 1, /text after a closing quote/],
      ['a,b\n1,"open\n\n', 2, 2, /unterminated/],
    ];
    for (const [text, line, field, reason] of cases) {
      assert.throws(
        () => parseCsv(text),
        (err: unknown) => err instanceof CsvSyntaxError && err.line === line && err.fieldNumber === field && reason.test(err.message),
        text,
      );
    }
  });

  test('an over-long field fails instead of swallowing the file', () => {
    assert.throws(() => parseCsv(`"${'x'.repeat(50)}`, { maxFieldLength: 10 }), /longer than 10 characters/);
  });
});

describe('CsvParser', () => {
  const text = '\uFEFFid,"name",note\r\n1,"a, ""b""","line1\r\nline2"\r\n2,plain,\r3,"",x\n4,"q\rz",end';

  test('gives the same records whatever the chunk size', () => {
    const whole = parseCsv(text);
    assert.equal(whole.length, 5);
    for (const size of [1, 2, 3, 5, 7, 64]) assert.deepEqual(parseInChunks(text, size), whole, `chunk size ${size}`);
  });

  test('returns records as soon as they are complete', () => {
    const parser = new CsvParser();
    assert.deepEqual(parser.push('a,b\n1,'), [{ fields: ['a', 'b'], line: 1 }]);
    assert.deepEqual(parser.push('2\r'), [{ fields: ['1', '2'], line: 2 }]);
    assert.deepEqual(parser.push('\n3,4'), []);
    assert.deepEqual(parser.end(), [{ fields: ['3', '4'], line: 3 }]);
  });

  test('refuses input after end()', () => {
    const parser = new CsvParser();
    parser.end();
    assert.throws(() => parser.push('a'), /after end/);
  });
});
