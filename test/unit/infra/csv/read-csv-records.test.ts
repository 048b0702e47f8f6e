import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { CsvEncodingError, CsvSyntaxError, readCsvRecords, type CsvRecord, type ReadCsvOptions } from '../../../../src/infra/csv/read-csv-records';

/** Feeds `input` in pieces of `chunkBytes` bytes: the result must not depend on where chunks split. */
async function read(input: string | Buffer, options: ReadCsvOptions & { chunkBytes?: number } = {}): Promise<CsvRecord[]> {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const size = options.chunkBytes ?? (bytes.length || 1);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  const out: CsvRecord[] = [];
  for await (const record of readCsvRecords(Readable.from(chunks), options)) out.push(record);
  return out;
}

const fields = async (text: string) => (await read(text)).map((r) => r.fields);

describe('readCsvRecords: RFC 4180', () => {
  test('plain records, with and without a final line break', async () => {
    assert.deepEqual(await fields('a,b,c\n1,2,3\n'), [['a', 'b', 'c'], ['1', '2', '3']]);
    assert.deepEqual(await fields('a,b\n1,2'), [['a', 'b'], ['1', '2']]);
    assert.deepEqual(await fields(''), []);
  });

  test('empty fields, including a trailing one', async () => {
    assert.deepEqual(await fields('a,,c\n,,\n1,'), [['a', '', 'c'], ['', '', ''], ['1', '']]);
  });

  test('CRLF and lone CR end records like LF, also mixed in one file', async () => {
    assert.deepEqual(await fields('a,b\r\n1,2\r\n'), [['a', 'b'], ['1', '2']]);
    assert.deepEqual(await fields('a,b\r1,2\r'), [['a', 'b'], ['1', '2']]);
    assert.deepEqual(await fields('a\nb\r\nc\rd'), [['a'], ['b'], ['c'], ['d']]);
  });

  test('a leading BOM is dropped, a BOM elsewhere is data', async () => {
    assert.deepEqual(await fields('\uFEFFid,x\n1,\uFEFF'), [['id', 'x'], ['1', '\uFEFF']]);
  });

  test('quoted fields hold commas, doubled quotes and line breaks', async () => {
    assert.deepEqual(await fields('"a,b","say ""hi""","two\r\nlines"\n""\n'), [['a,b', 'say "hi"', 'two\r\nlines'], ['']]);
  });

  test('line numbers are where each record starts, counting quoted line breaks', async () => {
    const records = await read('h1,h2\r\n"x\ny",1\r\n"p\r\nq\rr",2\nlast,3');
    assert.deepEqual(
      records.map((r) => r.line),
      [1, 2, 4, 7],
    );
  });

  test('a blank line is a record with one empty field', async () => {
    assert.deepEqual(await read('a\n\nb\n'), [
      { fields: ['a'], line: 1 },
      { fields: [''], line: 2 },
      { fields: ['b'], line: 3 },
    ]);
  });

  test('syntax errors name the line the record starts on and the field', async () => {
    const cases: Array<[string, number, number, RegExp]> = [
      ['a,b\n1,x"y\n', 2, 2, /quote inside an unquoted field/],
      ['a\n"x"y\n', 2, 1, /text after a closing quote/],
      ['a,b\n1,"open\n\n', 2, 2, /unterminated/],
      // A record that spans lines is named by its first line, whatever line breaks it holds.
      ['a,b\n"1\r\n2",x"y\n', 2, 2, /quote inside an unquoted field/],
      ['a\r\n"x\r\ny\r\n",1\r\n3,"z"!\r\n', 5, 2, /text after a closing quote/],
    ];
    for (const [text, line, field, reason] of cases) {
      await assert.rejects(
        read(text),
        (err: unknown) => err instanceof CsvSyntaxError && err.line === line && err.fieldNumber === field && reason.test(err.message),
        text,
      );
    }
  });

  test('an over-long record fails instead of swallowing the file', async () => {
    await assert.rejects(read(`a,b\n1,"${'x'.repeat(50)}`, { maxRecordBytes: 10 }), (err: unknown) => {
      assert.ok(err instanceof CsvSyntaxError);
      assert.deepEqual([err.line, err.fieldNumber], [2, 2]);
      assert.match(err.message, /record longer than 10 bytes \(unbalanced quote\?\)/);
      return true;
    });
  });

  test('an unbalanced quote in a big stream stops the read early, naming its line', async () => {
    const total = 1_000;
    let produced = 0;
    async function* source() {
      yield Buffer.from('id,note\n1,ok\n2,"never closed\n');
      for (; produced < total; produced++) yield Buffer.from(`${'x'.repeat(1_023)}\n`);
    }
    const seen: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const record of readCsvRecords(source(), { maxRecordBytes: 64 * 1024 })) seen.push(record.line);
      })(),
      (err: unknown) => err instanceof CsvSyntaxError && err.line === 3 && err.fieldNumber === 2,
    );
    assert.deepEqual(seen, [1, 2]);
    assert.ok(produced < total / 4, `read ${produced} of ${total} KiB before failing`);
  });
});

describe('readCsvRecords: streaming', () => {
  const text = '\uFEFFid,"이름",note\r\n1,"가, ""나""","line1\r\nline2"\r\n2,plain,\r3,"",다\n4,"q\rz",end';

  test('gives the same records whatever the chunk size, a split CRLF or UTF-8 sequence included', async () => {
    const whole = await read(text);
    assert.equal(whole.length, 5);
    assert.deepEqual(
      whole.map((r) => r.line),
      [1, 2, 4, 5, 6],
    );
    for (const size of [1, 2, 3, 5, 7, 64]) assert.deepEqual(await read(text, { chunkBytes: size }), whole, `chunk size ${size}`);
  });

  test('returns records before the input ends', async () => {
    const input = new PassThrough();
    const records = readCsvRecords(input);
    // csv-parse hands a record out once a few bytes after it have arrived (a longer delimiter or
    // a multi-byte character could start there).
    input.write('a,b\n1,2');
    assert.deepEqual((await records.next()).value, { fields: ['a', 'b'], line: 1 });
    input.write('\r');
    input.write('\n3,4');
    assert.deepEqual((await records.next()).value, { fields: ['1', '2'], line: 2 });
    input.end();
    assert.deepEqual((await records.next()).value, { fields: ['3', '4'], line: 3 });
    assert.equal((await records.next()).done, true);
  });

  test('stopping early destroys the input', async () => {
    const input = Readable.from([Buffer.from('a\nb\nc\n')]);
    for await (const record of readCsvRecords(input)) if (record.line === 1) break;
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(input.destroyed, true);
  });

  test('an error of the input stream comes through unchanged', async () => {
    const input = new Readable({ read() {} });
    const failure = Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO', syscall: 'read' });
    setImmediate(() => input.destroy(failure));
    await assert.rejects(readCsvRecords(input).next(), (err: unknown) => err === failure);
  });
});

describe('readCsvRecords: UTF-8', () => {
  const bad = Buffer.concat([Buffer.from('id,name\n1,ok\n2,'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]);

  test('invalid UTF-8 is rejected by default, naming the chunk it is in', async () => {
    await assert.rejects(read(bad, { chunkBytes: 8 }), (err: unknown) => err instanceof CsvEncodingError && err.byteOffset === 16);
    await assert.rejects(read(Buffer.from([0x61, 0x0a, 0xe2, 0x82])), (err: unknown) => err instanceof CsvEncodingError && /not valid UTF-8/.test(err.message));
  });

  test('with invalidUtf8: replace, a bad sequence becomes U+FFFD', async () => {
    assert.deepEqual((await read(bad, { invalidUtf8: 'replace' })).map((r) => r.fields), [['id', 'name'], ['1', 'ok'], ['2', '\uFFFD(']]);
  });
});
