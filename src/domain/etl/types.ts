/**
 * The shapes shared by the video ETL's extract-and-validate step: canonical field names (what a
 * Korean or English CSV header, or a JSON key, maps to), a validated video, and a rejection that
 * names the row, the column and the reason so a user can fix the source file.
 */

export const FIELDS = ['id', 'title', 'category', 'instructor', 'durationSeconds', 'publishedAt', 'videoUrl'] as const;

export type Field = (typeof FIELDS)[number];

/** Without these a row cannot become a video: no key to upsert on, nothing to show, nothing to fetch. */
export const REQUIRED_FIELDS: readonly Field[] = ['id', 'title', 'videoUrl'];

/** Raw text per canonical field; `undefined` when the column is absent or the row is short. */
export type RawValues = Record<Field, string | undefined>;

export interface VideoRecord {
  /** Trimmed and NFC-normalised, so the same id typed on macOS and Windows collapses to one. */
  id: string;
  title: string;
  category: string | null;
  instructor: string | null;
  /** Whole seconds. */
  durationSeconds: number | null;
  /** Calendar date `YYYY-MM-DD` as written in the source (no time-zone shift). */
  publishedAt: string | null;
  /** Absolute http(s) URL in the WHATWG serialisation. */
  videoUrl: string;
}

export interface RowRejection {
  /** CSV: as the staging step numbers records (the header is 1). JSON: position in `records` plus one. */
  rowNumber: number;
  /** Null when the problem is the row as a whole rather than one value. */
  column: Field | null;
  reason: string;
}

export type RowResult = { ok: true; rowNumber: number; video: VideoRecord } | { ok: false; rejection: RowRejection };

/** Outcome of parsing one value: the normalised value or a reason fit to show a user. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };
