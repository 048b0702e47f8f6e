/**
 * `Range` for one resource of known size, as RFC 9110 §14 has a server read it. Only a single
 * byte range is honoured; anything else (other units, several ranges, bad syntax) is ignored and
 * answered with the full 200 body, which the RFC allows and real media hosts do.
 */

export type RangeRequest =
  /** No Range header, or one the host ignores. */
  | { kind: 'none' }
  /** `end` is inclusive, as in `Content-Range`. */
  | { kind: 'partial'; start: number; end: number }
  /** 416; `requestedStart` is the first-byte-pos the client asked for, when it named one. */
  | { kind: 'unsatisfiable'; requestedStart?: number };

const NONE: RangeRequest = { kind: 'none' };
const SINGLE_BYTE_RANGE = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i;

export function parseRange(header: string | undefined, size: number): RangeRequest {
  const match = header === undefined ? null : SINGLE_BYTE_RANGE.exec(header);
  if (!match) return NONE;
  const [, firstText, lastText] = match;
  if (firstText === '' && lastText === '') return NONE;
  const first = firstText === '' ? undefined : Number(firstText);
  const last = lastText === '' ? undefined : Number(lastText);
  if ((first !== undefined && !Number.isSafeInteger(first)) || (last !== undefined && !Number.isSafeInteger(last))) return NONE;
  if (first === undefined) return suffixRange(last as number, size);
  // last < first makes the range-spec invalid, which is ignored rather than refused.
  if (last !== undefined && last < first) return NONE;
  if (first >= size) return { kind: 'unsatisfiable', requestedStart: first };
  return { kind: 'partial', start: first, end: Math.min(last ?? size - 1, size - 1) };
}

/** `bytes=-N`: the last N bytes. */
function suffixRange(length: number, size: number): RangeRequest {
  if (length === 0 || size === 0) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start: Math.max(0, size - length), end: size - 1 };
}

/** The start offset a request asked for, for the stats; undefined when it named none. */
export function requestedStart(range: RangeRequest): number | undefined {
  if (range.kind === 'partial') return range.start;
  if (range.kind === 'unsatisfiable') return range.requestedStart;
  return undefined;
}

export function contentRange(range: { start: number; end: number }, size: number): string {
  return `bytes ${range.start}-${range.end}/${size}`;
}
