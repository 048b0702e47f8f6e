/**
 * Whether a ranged answer continues the bytes an earlier attempt stored (RFC 9110 §13.1.5, §14.4).
 * A download resumed with `Range: bytes=<offset>-` is only sound if the host sends the same file,
 * from that offset. A host that changed the file, ignored `If-Range`, or answered another range
 * than the one asked for would otherwise have two files' bytes spliced into one object. Pure: the
 * caller passes the headers.
 */

type Headers = Record<string, string | string[] | undefined>;

/** What the file was when a download of it began: what a resumed attempt must find again. */
export interface SourceIdentity {
  /** A strong entity tag; weak ones (`W/"…"`) may not be used with If-Range. */
  etag?: string;
  /** Last-Modified, kept only when it may serve as a validator (at least a second before Date). */
  lastModified?: string;
  /** Bytes in the whole file, as the host announced them. */
  size?: number;
}

const header = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
};

/** `bytes <first>-<last>/<complete-length>`; a `*` length is unknown. */
const CONTENT_RANGE = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i;

export function parseContentRange(value: string | undefined): { first: number; last: number; size?: number } | undefined {
  const match = value === undefined ? null : CONTENT_RANGE.exec(value);
  if (!match) return undefined;
  const [first, last] = [Number(match[1]), Number(match[2])];
  const size = match[3] === '*' ? undefined : Number(match[3]);
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || last < first || (size !== undefined && (!Number.isSafeInteger(size) || last >= size))) return undefined;
  return { first, last, ...(size === undefined ? {} : { size }) };
}

/** The file's identity from the answer a download began with (offset 0). */
export function sourceIdentityOf(headers: Headers, size: number | undefined): SourceIdentity {
  const etag = header(headers, 'etag');
  const lastModified = header(headers, 'last-modified');
  const date = header(headers, 'date');
  // §13.1.5: a date is a validator for If-Range only if the file had not changed for a second when it was sent.
  const modifiedMs = lastModified === undefined ? NaN : Date.parse(lastModified);
  const dateMs = date === undefined ? NaN : Date.parse(date);
  const dateIsStrong = Number.isFinite(modifiedMs) && Number.isFinite(dateMs) && dateMs - modifiedMs >= 1_000;
  return {
    ...(etag !== undefined && !etag.startsWith('W/') ? { etag } : {}),
    ...(dateIsStrong ? { lastModified } : {}),
    ...(size === undefined ? {} : { size }),
  };
}

/** `If-Range` for resuming a download of this file: the host then answers 200 with the whole file if it changed. */
export function ifRangeFor(identity: SourceIdentity | undefined): Record<string, string> {
  const validator = identity?.etag ?? identity?.lastModified;
  return validator === undefined ? {} : { 'if-range': validator };
}

/**
 * Why a 206 does not continue the stored bytes at `offset`, or undefined when it does. Checked: the
 * range starts where asked; the file has the size, entity tag and modification date it had when
 * the download began (each as far as both answers tell).
 */
export function resumeMismatch(headers: Headers, offset: number, earlier: SourceIdentity | undefined): string | undefined {
  const range = parseContentRange(header(headers, 'content-range'));
  if (!range) return `its 206 has no usable Content-Range (${header(headers, 'content-range') ?? 'none'})`;
  if (range.first !== offset) return `it sent bytes from ${range.first}, not from ${offset} as asked`;
  if (earlier?.size !== undefined && range.size !== undefined && range.size !== earlier.size) return `the file is now ${range.size} bytes, not ${earlier.size}`;
  const etag = header(headers, 'etag');
  if (earlier?.etag !== undefined && etag !== undefined && etag !== earlier.etag) return `its entity tag changed from ${earlier.etag} to ${etag}`;
  const lastModified = header(headers, 'last-modified');
  if (earlier?.lastModified !== undefined && lastModified !== undefined && lastModified !== earlier.lastModified) {
    return `it was modified again (${lastModified}, not ${earlier.lastModified})`;
  }
  return undefined;
}
