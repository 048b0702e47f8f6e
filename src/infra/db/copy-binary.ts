import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const INT2_OID = 21;
const FLOAT8_OID = 701;

/**
 * Rows in PostgreSQL's binary COPY format, built field by field. Numbers travel as IEEE doubles,
 * so they arrive bit for bit and the server parses no text; `COPY … FROM STDIN (FORMAT binary)`
 * then stores them without the per-row planning and conflict checks of an INSERT.
 */
export class BinaryCopyRows {
  private buf = Buffer.allocUnsafe(64 * 1024);
  private at = 0;
  rows = 0;

  constructor() {
    this.reserve(SIGNATURE.length + 8);
    this.at += SIGNATURE.copy(this.buf, this.at);
    this.at = this.buf.writeInt32BE(0, this.at); // flags
    this.at = this.buf.writeInt32BE(0, this.at); // header extension length
  }

  private reserve(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + bytes));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }

  row(fields: number): this {
    this.reserve(2);
    this.at = this.buf.writeInt16BE(fields, this.at);
    this.rows += 1;
    return this;
  }

  text(value: string): this {
    const bytes = Buffer.byteLength(value, 'utf8');
    this.reserve(4 + bytes);
    this.at = this.buf.writeInt32BE(bytes, this.at);
    this.at += this.buf.write(value, this.at, 'utf8');
    return this;
  }

  int2(value: number): this {
    this.reserve(6);
    this.at = this.buf.writeInt32BE(2, this.at);
    this.at = this.buf.writeInt16BE(value, this.at);
    return this;
  }

  int8(value: number): this {
    if (!Number.isSafeInteger(value)) throw new RangeError(`cannot store ${value} as int8`);
    this.reserve(12);
    this.at = this.buf.writeInt32BE(8, this.at);
    this.at = this.buf.writeBigInt64BE(BigInt(value), this.at);
    return this;
  }

  float8(value: number): this {
    if (!Number.isFinite(value)) throw new RangeError(`cannot store non-finite number ${value}`);
    this.reserve(12);
    this.at = this.buf.writeInt32BE(8, this.at);
    this.at = this.buf.writeDoubleBE(value, this.at);
    return this;
  }

  /** A one-dimensional float8[] without nulls (an empty array has no dimension). */
  float8Array(values: readonly number[]): this {
    for (const v of values) if (!Number.isFinite(v)) throw new RangeError(`cannot store non-finite number ${v}`);
    this.arrayHeader(values.length, 8, FLOAT8_OID);
    for (const v of values) {
      this.at = this.buf.writeInt32BE(8, this.at);
      this.at = this.buf.writeDoubleBE(v, this.at);
    }
    return this;
  }

  /** A one-dimensional int2[] without nulls. */
  int2Array(values: readonly number[]): this {
    this.arrayHeader(values.length, 2, INT2_OID);
    for (const v of values) {
      this.at = this.buf.writeInt32BE(2, this.at);
      this.at = this.buf.writeInt16BE(v, this.at);
    }
    return this;
  }

  /** Field length and array header (array_recv's format), with room reserved for the elements. */
  private arrayHeader(length: number, width: number, elementOid: number): void {
    const header = length === 0 ? 12 : 20;
    const bytes = header + length * (4 + width);
    this.reserve(4 + bytes);
    this.at = this.buf.writeInt32BE(bytes, this.at);
    this.at = this.buf.writeInt32BE(length === 0 ? 0 : 1, this.at); // dimensions
    this.at = this.buf.writeInt32BE(0, this.at); // no nulls
    this.at = this.buf.writeUInt32BE(elementOid, this.at);
    if (length > 0) {
      this.at = this.buf.writeInt32BE(length, this.at);
      this.at = this.buf.writeInt32BE(1, this.at); // lower bound
    }
  }

  /** The whole COPY stream: header, rows and the end-of-data marker. */
  finish(): Buffer {
    this.reserve(2);
    this.at = this.buf.writeInt16BE(-1, this.at);
    return this.buf.subarray(0, this.at);
  }
}

/** Runs `COPY <table> (<columns>) FROM STDIN (FORMAT binary)` with the rows; resolves once the server has them all. */
export async function copyBinaryInto(client: PoolClient, tableAndColumns: string, rows: BinaryCopyRows): Promise<void> {
  if (rows.rows === 0) return;
  const stream = client.query(copyFrom(`COPY ${tableAndColumns} FROM STDIN (FORMAT binary)`));
  await pipeline(Readable.from([rows.finish()]), stream);
}
