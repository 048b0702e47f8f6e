/**
 * Streams RFC 4180 records out of a byte stream with csv-parse, each with the physical line it
 * starts on, so a caller can read a multi-gigabyte file in constant memory and still name the line
 * of a bad value.
 *
 * Accepted: a leading UTF-8 BOM (dropped), `"…"` quoting with `""` for a literal quote, quoted
 * commas and line breaks, and LF, CRLF or a lone CR ending a record, mixed in one file (a CRLF
 * split across two chunks still counts once). A blank line is a record with one empty field, and
 * records may differ in length: both are the caller's rules. Rejected with `CsvSyntaxError`: a
 * quote inside an unquoted field, text after a closing quote, an unterminated quote, and a record
 * longer than `maxRecordBytes` (an unbalanced quote in a big file would otherwise swallow the rest
 * of it into one field). Invalid UTF-8 fails with `CsvEncodingError` unless the caller asks for
 * U+FFFD replacement.
 */
import { pipeline, type Readable, type TransformCallback } from 'node:stream';
import { CsvError, Parser } from 'csv-parse';

export interface CsvRecord {
  fields: string[];
  /** 1-based line on which the record starts (a quoted line break makes a record span lines). */
  line: number;
}

export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';

  constructor(
    /** Line on which the broken record starts. */
    readonly line: number,
    /** 1-based field position within the record. */
    readonly fieldNumber: number,
    readonly reason: string,
  ) {
    super(`line ${line}, field ${fieldNumber}: ${reason}`);
  }
}

export class CsvEncodingError extends Error {
  override readonly name = 'CsvEncodingError';

  /** `byteOffset` starts the chunk the bad bytes were found in: the decoder cannot say exactly where. */
  constructor(readonly byteOffset: number) {
    super(`not valid UTF-8 (in the bytes after offset ${byteOffset})`);
  }
}

export interface ReadCsvOptions {
  /**
   * Longest record accepted, in bytes (csv-parse counts the field being read in bytes and the
   * finished ones in UTF-16 code units, so the limit is approximate for non-ASCII text).
   */
  maxRecordBytes?: number;
  /** `reject` (the default) fails on invalid UTF-8; `replace` turns each bad sequence into U+FFFD. */
  invalidUtf8?: 'reject' | 'replace';
}

export const DEFAULT_MAX_RECORD_BYTES = 1 << 20;

const REASONS: Partial<Record<CsvError['code'], string>> = {
  INVALID_OPENING_QUOTE: 'quote inside an unquoted field',
  CSV_INVALID_CLOSING_QUOTE: 'text after a closing quote (a literal quote is written "")',
  CSV_QUOTE_NOT_CLOSED: 'unterminated quoted field',
};

/**
 * csv-parse fails its stream on a syntax error, and a failed stream drops the records it had
 * parsed but not yet handed out, so the line count would lose them. This parser ends its output
 * instead and keeps the error, which the reader throws once those records are through.
 */
class DrainingParser extends Parser {
  failure: CsvError | undefined;

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.failure !== undefined) return callback();
    super._transform(chunk, encoding, (err?: Error | null) => this.settle(err, callback));
  }

  override _flush(callback: TransformCallback): void {
    if (this.failure !== undefined) return callback();
    super._flush((err?: Error | null) => this.settle(err, callback));
  }

  private settle(err: Error | null | undefined, callback: TransformCallback): void {
    if (!(err instanceof CsvError)) return callback(err);
    this.failure = err;
    this.push(null);
    callback();
  }
}

/**
 * The records of `input` (raw bytes, e.g. a file or object-store stream), in order. Stopping the
 * iteration early destroys `input`, so an abandoned file is closed.
 */
export async function* readCsvRecords(input: Readable | AsyncIterable<Uint8Array>, options: ReadCsvOptions = {}): AsyncGenerator<CsvRecord> {
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const parser = new DrainingParser({
    bom: true,
    // csv-parse would otherwise detect one delimiter from the first record and apply it to the
    // whole file; CRLF first, so that it is one delimiter and not CR then LF.
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    max_record_size: maxRecordBytes,
  });
  // Errors of the input reach the loop below through the parser, which the pipeline destroys with
  // them; the callback only keeps them from being reported twice.
  const ignore = () => undefined;
  if (options.invalidUtf8 === 'replace') pipeline(input, parser, ignore);
  else pipeline(input, rejectInvalidUtf8, parser, ignore);

  let line = 1;
  try {
    for await (const fields of parser as AsyncIterable<string[]>) {
      yield { fields, line };
      line += 1 + lineBreaks(fields);
    }
  } finally {
    // Closes the input when the caller stops early or the parser failed before its end.
    parser.destroy();
  }
  if (parser.failure !== undefined) throw syntaxError(parser.failure, line, maxRecordBytes);
}

/**
 * csv-parse's own line count (`info.lines`) counts a CRLF inside quotes twice, so the lines are
 * counted here: a record spans one line plus the breaks its quoted fields hold.
 */
function lineBreaks(fields: string[]): number {
  let breaks = 0;
  for (const field of fields) {
    if (/[\r\n]/.test(field)) breaks += (field.match(/\r\n|[\r\n]/g) as RegExpMatchArray).length;
  }
  return breaks;
}

/**
 * Names the line the broken record starts on, counted as above: csv-parse's own line at the point
 * of the error is off after a quoted CRLF.
 */
function syntaxError(err: CsvError, line: number, maxRecordBytes: number): CsvSyntaxError {
  const fieldNumber = typeof err.column === 'number' ? err.column + 1 : 1;
  if (err.code === 'CSV_MAX_RECORD_SIZE') return new CsvSyntaxError(line, fieldNumber, `record longer than ${maxRecordBytes} bytes (unbalanced quote?)`);
  return new CsvSyntaxError(line, fieldNumber, REASONS[err.code] ?? err.message);
}

/** Passes the bytes on unchanged after checking them: csv-parse itself would decode bad bytes to U+FFFD. */
async function* rejectInvalidUtf8(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  for await (const chunk of source) {
    try {
      decoder.decode(chunk, { stream: true });
    } catch {
      throw new CsvEncodingError(offset);
    }
    offset += chunk.length;
    yield chunk;
  }
  try {
    decoder.decode();
  } catch {
    throw new CsvEncodingError(offset);
  }
}
