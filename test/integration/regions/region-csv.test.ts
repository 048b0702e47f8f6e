import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import type { Pool } from 'pg';
import { SYNTHETIC_REGION_SOURCE } from '../../../src/domain/risk/regions/synthetic';
import { listRegions } from '../../../src/infra/risk/queries/regions';
import { CsvImportError } from '../../../src/infra/risk/reference-data/csv-rows';
import { ensureRegions, importRegionCsv, loadSyntheticRegions } from '../../../src/infra/risk/reference-data/regions';
import { regionScratchDatabase } from '../../support/regions';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const quiet = () => undefined;

// BOM, CRLF, shuffled header with the optional source column, a quoted name with a comma, one empty source.
const GOOD_CSV =
  '\uFEFFname,code,longitude,latitude,source\r\n' +
  '"Jongno-gu, Seoul",TEST-A,126.9794,37.5730,test-admin/2026\r\n' +
  'Jeju-si,TEST-C,126.5312,33.4996,\r\n' +
  'Ulleung-gun,TEST-B,130.9057,37.4845,test-admin/2026';

let scratch: Awaited<ReturnType<typeof regionScratchDatabase>>;
let pool: Pool;
let dir: string;

before(async () => {
  scratch = await regionScratchDatabase(2);
  pool = scratch.pools[0];
  dir = mkdtempSync(path.join(os.tmpdir(), 'dp-regions-csv-'));
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await scratch.close();
});

function file(name: string, content: string | Buffer): string {
  const p = path.join(dir, `${name}.csv`);
  writeFileSync(p, content);
  return p;
}

describe('region loading', () => {
  test('ensureRegions loads the 250 synthetic regions into an empty table, once', async () => {
    const [a, b] = await Promise.all([ensureRegions(pool, quiet), ensureRegions(scratch.pools[1], quiet)]);
    assert.deepEqual([a.loaded, b.loaded].sort(), [false, true]);
    const regions = await listRegions(pool);
    assert.equal(regions.length, 250);
    assert.ok(regions.every((r) => r.source === SYNTHETIC_REGION_SOURCE && /^SYN-\d{3}$/.test(r.code)));
    assert.equal((await ensureRegions(pool, quiet)).loaded, false);
  });

  test('a CSV replaces the loaded regions, with per-row or default source labels', async () => {
    const result = await importRegionCsv(pool, { path: file('good', GOOD_CSV), source: 'fallback-label' });
    assert.deepEqual(result, { source: 'test-admin/2026, fallback-label', regions: 3, loaded: true });
    assert.deepEqual(await listRegions(pool), [
      { code: 'TEST-A', name: 'Jongno-gu, Seoul', latitude: 37.573, longitude: 126.9794, source: 'test-admin/2026' },
      { code: 'TEST-B', name: 'Ulleung-gun', latitude: 37.4845, longitude: 130.9057, source: 'test-admin/2026' },
      { code: 'TEST-C', name: 'Jeju-si', latitude: 33.4996, longitude: 126.5312, source: 'fallback-label' },
    ]);
    const located = await pool.query<{ x: number; y: number }>("SELECT location[0] AS x, location[1] AS y FROM risk_regions WHERE code = 'TEST-C'");
    assert.ok(Math.abs(located.rows[0].x - 126.5312 * 0.809) < 1e-9, 'location uses the grid scaling');
  });

  test('without the source column every row gets the --source label (default csv-import)', async () => {
    await importRegionCsv(pool, { path: file('nosource', 'code,name,latitude,longitude\nR1,One,36,127\nR2,Two,35.5,128.25\n') });
    assert.deepEqual((await listRegions(pool)).map((r) => [r.code, r.source]), [['R1', 'csv-import'], ['R2', 'csv-import']]);
  });

  const header = 'code,name,latitude,longitude';
  const badCases: Array<{ name: string; csv: string | Buffer; error: RegExp }> = [
    { name: 'bad code', csv: `${header}\nR1,One,36,127\nR 2,Two,36,127`, error: /line 3, column code: "R 2" is not a region code/ },
    { name: 'duplicate code', csv: `${header}\nR1,One,36,127\nR1,Again,36,127`, error: /line 3, column code: duplicate code R1 \(first on line 2\)/ },
    { name: 'empty name', csv: `${header}\nR1,,36,127`, error: /line 2, column name: empty value/ },
    { name: 'latitude outside the grid', csv: `${header}\nR1,One,40.1,127`, error: /line 2, column latitude: 40\.1 must be at most 39/ },
    { name: 'non-numeric longitude', csv: `${header}\nR1,One,36,127E`, error: /line 2, column longitude: "127E" is not a number/ },
    { name: 'missing column', csv: 'code,name,latitude\nR1,One,36', error: /line 1, column longitude: missing column\(s\) in the header: longitude/ },
    { name: 'unknown column', csv: `${header},population\nR1,One,36,127,5`, error: /line 1, column population: unexpected column/ },
    { name: 'blank line', csv: `${header}\nR1,One,36,127\n\nR2,Two,36,127`, error: /line 3: expected 4 fields, found 1 \(blank line\)/ },
    { name: 'broken quoting', csv: `${header}\nR1,"One,36,127\n`, error: /line 2, column name: unterminated quoted field/ },
    { name: 'quote inside a value', csv: `${header}\nR1,"One\r\nTwo",36,127\nR2,Two "B",36,127\n`, error: /line 4, column name: quote inside an unquoted field/ },
    { name: 'invalid UTF-8', csv: Buffer.concat([Buffer.from(`${header}\nR1,`), Buffer.from([0xc3, 0x28]), Buffer.from(',36,127\n')]), error: /: not valid UTF-8/ },
    { name: 'header only', csv: `${header}\n`, error: /no regions after the header row/ },
    { name: 'empty file', csv: '', error: /the file is empty/ },
  ];
  for (const bad of badCases) {
    test(`fails on ${bad.name}, naming file, line and column, and writes nothing`, async () => {
      const before = await listRegions(pool);
      const p = file(bad.name.replaceAll(' ', '-'), bad.csv);
      await assert.rejects(importRegionCsv(pool, { path: p }), (err: Error) => {
        assert.ok(err instanceof CsvImportError, err.stack);
        assert.ok(err.message.startsWith(p), err.message);
        assert.match(err.message, bad.error);
        return true;
      });
      assert.deepEqual(await listRegions(pool), before);
    });
  }

  test('a missing file fails before anything is touched', async () => {
    await assert.rejects(importRegionCsv(pool, { path: path.join(dir, 'nope.csv') }), /nope\.csv: cannot read/);
    assert.equal((await listRegions(pool)).length, 2);
  });

  test('loadSyntheticRegions puts the synthetic set back in place of imported regions', async () => {
    assert.deepEqual(await loadSyntheticRegions(pool), { source: SYNTHETIC_REGION_SOURCE, regions: 250, loaded: true });
    const regions = await listRegions(pool);
    assert.equal(regions.length, 250);
    assert.ok(!regions.some((r) => r.code.startsWith('R')));
  });
});

describe('npm run reference-data -- regions', () => {
  const cli = (args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/bin/reference-data.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: scratch.url },
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
    );

  test('imports a file, and reports a bad one in one line with file, line and column', async () => {
    const ok = await cli(['regions', '--file', file('cli-good', GOOD_CSV), '--source', 'cli-label']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /3 regions/);
    const bad = file('cli-bad', 'code,name,latitude,longitude\nR1,One,36,abc\n');
    const failed = await cli(['regions', '--file', bad]);
    assert.equal(failed.code, 1);
    assert.equal(failed.stderr.trim(), `error: ${bad} line 2, column longitude: "abc" is not a number`);
    assert.equal((await listRegions(pool)).length, 3, 'the failed import left the previous regions');
    const usage = await cli(['regions']);
    assert.equal(usage.code, 1);
    assert.match(usage.stderr, /regions needs either --file or --synthetic/);
    const status = await cli(['status']);
    assert.match(status.stdout, /"regions": \{\s*"cli-label": 1,\s*"test-admin\/2026": 2\s*\}/);
  });
});
