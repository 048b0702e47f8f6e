/**
 * Maps a CSV header row to canonical fields. The files come from people (the seed's were Korean
 * spreadsheets exported by a partner's development team), so a header matches regardless of case,
 * spaces, underscores, hyphens, dots and Unicode form: `영상 URL`, `영상URL`, `video_url` and
 * `Video URL` are all `videoUrl`. Every alias is documented in docs/etl-input.md.
 */
import { FIELDS, REQUIRED_FIELDS, type Field, type RawValues } from './types';

/** Accepted header names per field, as a person would write them (the docs list these). */
export const HEADER_ALIASES: Readonly<Record<Field, readonly string[]>> = {
  id: ['id', 'video id', 'lecture id', 'content id', '영상ID', '영상 아이디', '강의ID', '강의 아이디', '동영상ID', '콘텐츠ID', '아이디'],
  title: ['title', 'video title', 'lecture title', '제목', '강의명', '강의 제목', '영상 제목', '영상명', '동영상 제목', '콘텐츠명'],
  category: ['category', 'video category', '카테고리', '분류', '강의 분류', '영상 분류', '구분'],
  instructor: ['instructor', 'instructor name', 'lecturer', 'teacher', 'speaker', '강사', '강사명', '강연자', '교수', '교수명'],
  durationSeconds: [
    'duration',
    'duration seconds',
    'duration (s)',
    'duration (sec)',
    'length',
    'running time',
    'runtime',
    '재생시간',
    '재생 시간(초)',
    '길이',
    '영상 길이',
    '러닝타임',
  ],
  publishedAt: [
    'published at',
    'published',
    'published date',
    'publish date',
    'publication date',
    'release date',
    'upload date',
    '게시일',
    '게시일자',
    '등록일',
    '등록일자',
    '공개일',
    '업로드일',
  ],
  videoUrl: [
    'video url',
    'url',
    'video link',
    'media url',
    'source url',
    'link',
    '영상URL',
    '영상 주소',
    '영상 링크',
    '동영상 URL',
    '동영상 주소',
    '동영상 링크',
    '강의 URL',
  ],
};

/**
 * The comparison form of a header: NFKC (full-width `ＵＲＬ` → `url`, decomposed Hangul from
 * macOS → composed), lower case, without whitespace, `_`, `-` or `.`.
 */
export function normaliseHeader(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/[\s_.\-]+/g, '');
}

const FIELD_BY_HEADER: ReadonlyMap<string, Field> = buildLookup();

function buildLookup(): Map<string, Field> {
  const lookup = new Map<string, Field>();
  for (const field of FIELDS) {
    // The canonical name itself (`durationSeconds`, `publishedAt`) always works, as in JSON input.
    for (const alias of [field, ...HEADER_ALIASES[field]]) {
      const key = normaliseHeader(alias);
      const taken = lookup.get(key);
      if (taken !== undefined && taken !== field) throw new Error(`header alias "${alias}" maps to both ${taken} and ${field}`);
      lookup.set(key, field);
    }
  }
  return lookup;
}

/** The field a header names, or undefined. */
export function fieldForHeader(name: string): Field | undefined {
  return FIELD_BY_HEADER.get(normaliseHeader(name));
}

export interface HeaderMapping {
  /** Column index → field, for the columns that name a field. */
  columns: Map<number, Field>;
  /** Required fields that no column names. */
  missing: Field[];
  /** Non-empty headers that name no field; their columns are ignored. */
  unknown: string[];
  /** Headers naming a field an earlier column already took; ignored, reported so nobody wonders. */
  duplicates: string[];
}

export function mapHeader(headerRow: string[]): HeaderMapping {
  const columns = new Map<number, Field>();
  const taken = new Set<Field>();
  const unknown: string[] = [];
  const duplicates: string[] = [];
  headerRow.forEach((raw, index) => {
    const name = raw.trim();
    // Spreadsheets often export trailing empty header cells; they carry nothing to report.
    if (name === '') return;
    const field = fieldForHeader(name);
    if (field === undefined) unknown.push(name);
    else if (taken.has(field)) duplicates.push(name);
    else {
      taken.add(field);
      columns.set(index, field);
    }
  });
  const missing = REQUIRED_FIELDS.filter((field) => !taken.has(field));
  return { columns, missing, unknown, duplicates };
}

/** The raw values of one CSV record, by field; a short record leaves the rest undefined. */
export function recordValues(columns: ReadonlyMap<number, Field>, fields: readonly string[]): RawValues {
  const values = Object.fromEntries(FIELDS.map((field) => [field, undefined])) as RawValues;
  for (const [index, field] of columns) values[field] = fields[index];
  return values;
}

/** A blank line (one empty field) or a row of empty cells, which spreadsheets leave behind. */
export function isBlankRecord(fields: readonly string[]): boolean {
  return fields.every((value) => value.trim() === '');
}
