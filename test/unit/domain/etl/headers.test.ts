import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { HEADER_ALIASES, fieldForHeader, isBlankRecord, mapHeader, recordValues } from '../../../../src/domain/etl/headers';
import { FIELDS, type Field } from '../../../../src/domain/etl/types';

const asObject = (columns: Map<number, Field>) => Object.fromEntries(columns);

describe('mapHeader', () => {
  const cases: Array<{ name: string; header: string[]; columns: Record<number, Field>; missing?: Field[]; unknown?: string[] }> = [
    {
      name: 'Korean headers from the seed spreadsheets',
      header: ['영상ID', '제목', '카테고리', '강사', '재생시간', '게시일', '영상URL'],
      columns: { 0: 'id', 1: 'title', 2: 'category', 3: 'instructor', 4: 'durationSeconds', 5: 'publishedAt', 6: 'videoUrl' },
    },
    {
      name: 'Korean alternatives with spaces',
      header: ['강의ID', '강의명', '분류', '강사명', '길이', '등록일', '동영상 주소'],
      columns: { 0: 'id', 1: 'title', 2: 'category', 3: 'instructor', 4: 'durationSeconds', 5: 'publishedAt', 6: 'videoUrl' },
    },
    {
      name: 'English headers, snake and camel case',
      header: ['video_id', 'Title', 'CATEGORY', 'instructor', 'duration_seconds', 'publishedAt', 'VideoURL'],
      columns: { 0: 'id', 1: 'title', 2: 'category', 3: 'instructor', 4: 'durationSeconds', 5: 'publishedAt', 6: 'videoUrl' },
    },
    {
      name: 'mixed languages, odd spacing and order, full-width letters',
      header: ['  동영상 URL ', 'ID', 'Published Date', '강의 제목', 'Ｄｕｒａｔｉｏｎ'],
      columns: { 0: 'videoUrl', 1: 'id', 2: 'publishedAt', 3: 'title', 4: 'durationSeconds' },
    },
    {
      name: 'decomposed Hangul (as macOS writes it) matches the composed alias',
      header: ['영상ID'.normalize('NFD'), '제목'.normalize('NFD'), 'url'],
      columns: { 0: 'id', 1: 'title', 2: 'videoUrl' },
    },
    {
      name: 'unknown columns are reported and ignored; empty header cells are not reported',
      header: ['id', '비고', 'title', 'url', 'views', ''],
      columns: { 0: 'id', 2: 'title', 3: 'videoUrl' },
      unknown: ['비고', 'views'],
    },
    {
      name: 'missing required columns',
      header: ['제목', '카테고리'],
      columns: { 0: 'title', 1: 'category' },
      missing: ['id', 'videoUrl'],
    },
    { name: 'an empty header row misses everything required', header: [''], columns: {}, missing: ['id', 'title', 'videoUrl'] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const mapping = mapHeader(c.header);
      assert.deepEqual(asObject(mapping.columns), c.columns);
      assert.deepEqual(mapping.missing, c.missing ?? []);
      assert.deepEqual(mapping.unknown, c.unknown ?? []);
    });
  }

  test('a second column for the same field is reported and the first one kept', () => {
    const mapping = mapHeader(['id', '영상ID', 'title', 'url', 'link']);
    assert.deepEqual(asObject(mapping.columns), { 0: 'id', 2: 'title', 3: 'videoUrl' });
    assert.deepEqual(mapping.duplicates, ['영상ID', 'link']);
  });
});

describe('header aliases', () => {
  test('every alias and canonical name maps to its own field', () => {
    for (const field of FIELDS) {
      assert.equal(fieldForHeader(field), field);
      for (const alias of HEADER_ALIASES[field]) assert.equal(fieldForHeader(alias), field, alias);
    }
  });

  test('near misses do not match', () => {
    for (const name of ['ids', 'titles', 'entry ref', '영상', '주소', 'date']) assert.equal(fieldForHeader(name), undefined, name);
  });

  test('docs/etl-input.md lists every alias', () => {
    const docs = readFileSync(path.resolve(__dirname, '../../../../docs/etl-input.md'), 'utf8');
    for (const field of FIELDS) {
      for (const alias of HEADER_ALIASES[field]) assert.ok(docs.includes(`\`${alias}\``), `docs lack \`${alias}\` (${field})`);
    }
  });
});

describe('recordValues and isBlankRecord', () => {
  test('values by field; a short record leaves the rest undefined', () => {
    const { columns } = mapHeader(['id', 'x', 'title', 'url']);
    assert.deepEqual(recordValues(columns, ['v1', 'ignored', 'Intro']), {
      id: 'v1',
      title: 'Intro',
      category: undefined,
      instructor: undefined,
      durationSeconds: undefined,
      publishedAt: undefined,
      videoUrl: undefined,
    });
  });

  test('blank lines and rows of empty cells are blank', () => {
    assert.equal(isBlankRecord(['']), true);
    assert.equal(isBlankRecord(['', ' ', '\t']), true);
    assert.equal(isBlankRecord(['', 'x']), false);
  });
});
