/**
 * RFC 4180 CSV parsing, pure and incremental: feed text chunks of any size to `CsvParser.push`
 * and get back the records completed so far, each with the physical line it starts on, so a
 * caller can stream a multi-gigabyte file and still name the line of a bad value. Decoding bytes
 * to text (and rejecting invalid UTF-8) is the caller's job, which keeps this module free of I/O.
 *
 * Accepted: a leading UTF-8 BOM (dropped), `"…"` quoting with `""` for a literal quote, quoted
 * commas and line breaks, and LF, CRLF or a lone CR ending a record (a CRLF split across two
 * chunks still counts once). Rejected with `CsvSyntaxError`: a quote inside an unquoted field,
 * text after a closing quote, an unterminated quote, and a field longer than `maxFieldLength`
 * (an unbalanced quote in a big file would otherwise swallow the rest of it into one field).
 * A blank line is a record with one empty field; whether that is allowed is the caller's rule.
 */

export interface CsvRecord {
  fields: string[];
  /** 1-based line on which the record starts (a quoted line break makes a record span lines). */
  line: number;
}

export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';

  constructor(
    readonly line: number,
    /** 1-based field position within the record. */
    readonly fieldNumber: number,
    readonly reason: string,
  ) {
    super(`line ${line}, field ${fieldNumber}: ${reason}`);
  }
}

export interface CsvParserOptions {
  /** Longest field accepted, in UTF-16 code units. */
  maxFieldLength?: number;
}

const COMMA = 0x2c;
const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const BOM = 0xfeff;

const enum State {
  /** Before the first character of a field. */
  FieldStart,
  Unquoted,
  Quoted,
  /** Just read a quote inside a quoted field: either `""` or the closing quote. */
  QuoteInQuoted,
}

export class CsvParser {
  private readonly maxFieldLength: number;
  private state = State.FieldStart;
  private fields: string[] = [];
  private field = '';
  private line = 1;
  private recordLine = 1;
  private atStart = true;
  /** The previous chunk ended in CR outside quotes: a LF opening this chunk completes that CRLF. */
  private skipLf = false;
  /** The previous chunk ended in CR inside quotes: it counts as a line unless a LF follows. */
  private quotedCr = false;
  private ended = false;

  constructor(options: CsvParserOptions = {}) {
    this.maxFieldLength = options.maxFieldLength ?? 1_000_000;
  }

  /** Parses the next chunk and returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    if (this.ended) throw new Error('CsvParser.push after end()');
    const out: CsvRecord[] = [];
    let i = 0;
    if (this.atStart && chunk.length > 0) {
      this.atStart = false;
      if (chunk.charCodeAt(0) === BOM) i = 1;
    }
    if (i < chunk.length && this.skipLf) {
      if (chunk.charCodeAt(i) === LF) i++;
      this.skipLf = false;
    }
    while (i < chunk.length) {
      switch (this.state) {
        case State.FieldStart:
          if (chunk.charCodeAt(i) === QUOTE) {
            this.state = State.Quoted;
            i++;
          } else {
            this.state = State.Unquoted;
          }
          break;
        case State.Unquoted:
          i = this.scanUnquoted(chunk, i, out);
          break;
        case State.Quoted:
          i = this.scanQuoted(chunk, i);
          break;
        case State.QuoteInQuoted:
          i = this.afterQuote(chunk, i, out);
          break;
      }
    }
    return out;
  }

  /** Flushes the last record (a file need not end with a line break). */
  end(): CsvRecord[] {
    if (this.ended) return [];
    this.ended = true;
    if (this.state === State.Quoted) throw new CsvSyntaxError(this.recordLine, this.fields.length + 1, 'unterminated quoted field');
    if (this.state === State.FieldStart && this.fields.length === 0) return [];
    const out: CsvRecord[] = [];
    this.endRecord(out);
    return out;
  }

  private scanUnquoted(chunk: string, start: number, out: CsvRecord[]): number {
    let j = start;
    for (; j < chunk.length; j++) {
      const c = chunk.charCodeAt(j);
      if (c === COMMA || c === CR || c === LF) break;
      if (c === QUOTE) throw new CsvSyntaxError(this.line, this.fields.length + 1, 'quote inside an unquoted field');
    }
    this.append(chunk.slice(start, j));
    if (j === chunk.length) return j;
    if (chunk.charCodeAt(j) === COMMA) {
      this.endField();
      return j + 1;
    }
    this.endRecord(out);
    return this.lineBreak(chunk, j);
  }

  private scanQuoted(chunk: string, start: number): number {
    let j = start;
    if (this.quotedCr) {
      this.quotedCr = false;
      if (chunk.charCodeAt(j) !== LF) this.line++;
    }
    for (; j < chunk.length; j++) {
      const c = chunk.charCodeAt(j);
      if (c === QUOTE) break;
      if (c === LF) this.line++;
      else if (c === CR) {
        if (j + 1 === chunk.length) this.quotedCr = true;
        else if (chunk.charCodeAt(j + 1) !== LF) this.line++;
      }
    }
    this.append(chunk.slice(start, j));
    if (j === chunk.length) return j;
    this.state = State.QuoteInQuoted;
    return j + 1;
  }

  private afterQuote(chunk: string, i: number, out: CsvRecord[]): number {
    const c = chunk.charCodeAt(i);
    if (c === QUOTE) {
      this.append('"');
      this.state = State.Quoted;
      return i + 1;
    }
    if (c === COMMA) {
      this.endField();
      return i + 1;
    }
    if (c === CR || c === LF) {
      this.endRecord(out);
      return this.lineBreak(chunk, i);
    }
    throw new CsvSyntaxError(this.line, this.fields.length + 1, 'text after a closing quote (a literal quote is written "")');
  }

  /** Consumes the line break at `i` (CR, LF or CRLF) and returns the index after it. */
  private lineBreak(chunk: string, i: number): number {
    this.line++;
    this.recordLine = this.line;
    if (chunk.charCodeAt(i) === LF) return i + 1;
    if (i + 1 === chunk.length) {
      this.skipLf = true;
      return i + 1;
    }
    return chunk.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
  }

  private append(text: string): void {
    if (text.length === 0) return;
    this.field += text;
    if (this.field.length > this.maxFieldLength) {
      throw new CsvSyntaxError(this.recordLine, this.fields.length + 1, `field longer than ${this.maxFieldLength} characters (unbalanced quote?)`);
    }
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.state = State.FieldStart;
  }

  private endRecord(out: CsvRecord[]): void {
    this.endField();
    out.push({ fields: this.fields, line: this.recordLine });
    this.fields = [];
  }
}

/** Parses a whole document at once. */
export function parseCsv(text: string, options?: CsvParserOptions): CsvRecord[] {
  const parser = new CsvParser(options);
  const records = parser.push(text);
  for (const record of parser.end()) records.push(record);
  return records;
}
