/**
 * One validation schema for every input form: a CSV row (after header mapping) and a JSON record
 * go through the same rules, so a video is accepted or rejected for the same reason whichever
 * way it arrived. A bad row becomes a rejection naming its row, column and reason; it is never
 * silently dropped.
 */
import { parsePublishedDate } from './dates';
import { parseDuration } from './duration';
import { quoted } from './reasons';
import { FIELDS, type Field, type Parsed, type RawValues, type RowRejection, type RowResult, type VideoRecord } from './types';
import { parseVideoUrl } from './video-url';

/** Ids end up in object keys, database keys and log lines; a longer one is a pasted cell, not an id. */
export const MAX_ID_LENGTH = 100;

type Rule<T> = (raw: string | undefined) => Parsed<T>;

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function parseId(value: string): Parsed<string> {
  // NFC so that an id typed with decomposed Hangul (macOS) equals the same id typed on Windows.
  const id = value.normalize('NFC');
  if ([...id].length > MAX_ID_LENGTH) return { ok: false, reason: `id longer than ${MAX_ID_LENGTH} characters` };
  if (CONTROL_CHARACTERS.test(id)) return { ok: false, reason: `id contains control characters: ${quoted(id)}` };
  return { ok: true, value: id };
}

/** PostgreSQL's text cannot hold U+0000; the row is refused here, with a reason, rather than by the database. */
function asText(label: string): (value: string) => Parsed<string> {
  return (value) => (value.includes('\u0000') ? { ok: false, reason: `${label} contains a NUL character` } : { ok: true, value });
}

/** A required value: trimmed, and empty or absent is a rejection. */
function required<T>(label: string, parse: (value: string) => Parsed<T>): Rule<T> {
  return (raw) => {
    const value = raw?.trim() ?? '';
    return value === '' ? { ok: false, reason: `${label} is required` } : parse(value);
  };
}

/** An optional value: trimmed, and empty or absent becomes null. */
function optional<T>(parse: (value: string) => Parsed<T>): Rule<T | null> {
  return (raw) => {
    const value = raw?.trim() ?? '';
    return value === '' ? { ok: true, value: null } : parse(value);
  };
}

const RULES: { readonly [F in Field]: Rule<VideoRecord[F]> } = {
  id: required('id', parseId),
  title: required('title', asText('title')),
  category: optional(asText('category')),
  instructor: optional(asText('instructor')),
  durationSeconds: optional(parseDuration),
  publishedAt: optional(parsePublishedDate),
  videoUrl: required('video URL', parseVideoUrl),
};

/** Validates and normalises one row; the first failing column (in field order) is reported. */
export function validateRow(values: RawValues, rowNumber: number): RowResult {
  const video: Partial<Record<Field, unknown>> = {};
  for (const field of FIELDS) {
    const parsed = RULES[field](values[field]);
    if (!parsed.ok) return { ok: false, rejection: { rowNumber, column: field, reason: parsed.reason } };
    video[field] = parsed.value;
  }
  return { ok: true, rowNumber, video: video as VideoRecord };
}

/**
 * Validates `records[index]` of a JSON body. Keys are the canonical English field names; other
 * keys are ignored, like unknown CSV columns. Numbers are accepted where a client would send one
 * (an integer id, `durationSeconds`); null means absent. `rowNumber` is `index + 1`.
 */
export function validateJsonRecord(obj: unknown, index: number): RowResult {
  const rowNumber = index + 1;
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    return { ok: false, rejection: { rowNumber, column: null, reason: 'record must be a JSON object' } };
  }
  const values = {} as RawValues;
  for (const field of FIELDS) {
    const text = jsonValueAsText(field, Object.hasOwn(obj, field) ? (obj as Record<string, unknown>)[field] : undefined);
    if (!text.ok) return { ok: false, rejection: { rowNumber, column: field, reason: text.reason } };
    values[field] = text.value;
  }
  return validateRow(values, rowNumber);
}

function jsonValueAsText(field: Field, value: unknown): Parsed<string | undefined> {
  if (value === undefined || value === null) return { ok: true, value: undefined };
  if (typeof value === 'string') return { ok: true, value };
  if (typeof value === 'number' && field === 'id') {
    return Number.isSafeInteger(value) ? { ok: true, value: String(value) } : { ok: false, reason: 'id must be a string or an integer' };
  }
  if (typeof value === 'number' && field === 'durationSeconds') {
    return Number.isFinite(value) && value >= 0
      ? { ok: true, value: String(value) }
      : { ok: false, reason: 'durationSeconds must be a non-negative number of seconds' };
  }
  return { ok: false, reason: `${field} must be a string` };
}

/**
 * Collapses duplicate ids as rows stream past: the first accepted row with an id wins and later
 * ones become rejections. Only accepted rows claim an id, so a broken row followed by a corrected
 * copy keeps the copy. Incremental so a staging step can feed it batch by batch.
 */
export class DuplicateIdFilter {
  private readonly firstRowById = new Map<string, number>();

  check(result: RowResult): RowResult {
    if (!result.ok) return result;
    const firstRow = this.firstRowById.get(result.video.id);
    if (firstRow === undefined) {
      this.firstRowById.set(result.video.id, result.rowNumber);
      return result;
    }
    const reason = `duplicate id (first seen on row ${firstRow})`;
    return { ok: false, rejection: { rowNumber: result.rowNumber, column: 'id', reason } };
  }
}

export type AcceptedRow = Extract<RowResult, { ok: true }>;

export interface NormalisedRows {
  /** In input order, one per id. */
  accepted: AcceptedRow[];
  /** In input order: invalid rows and duplicates alike. */
  rejections: RowRejection[];
}

/** Splits validated rows into unique videos and rejections. */
export function normaliseRows(rows: Iterable<RowResult>): NormalisedRows {
  const filter = new DuplicateIdFilter();
  const out: NormalisedRows = { accepted: [], rejections: [] };
  for (const row of rows) {
    const checked = filter.check(row);
    if (checked.ok) out.accepted.push(checked);
    else out.rejections.push(checked.rejection);
  }
  return out;
}
