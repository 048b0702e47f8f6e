import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Pool } from 'pg';
import type { GridStatic, Scenario, YearIndicators } from '../../../src/domain/risk/types';
import { SCENARIOS } from '../../../src/domain/risk/types';
import { loadSiteInputs, readReferenceMeta, ReferenceDataMissingError } from '../../../src/infra/risk/queries/reference';
import { CsvImportError } from '../../../src/infra/risk/reference-data/csv-rows';
import { importReferenceCsv, MergeRefusedError } from '../../../src/infra/risk/reference-data/import-csv';
import { migratedScratchDatabase } from './scratch';

const quiet = () => undefined;
const SOURCE = 'test-dataset/v2';

// Hand-written grid file: BOM, CRLF, shuffled header, one quoted field, no final line break.
const GRID_CSV =
  '\uFEFFland_cover,id,longitude,latitude,imperviousness,elevation_m,river_distance_m,coast_distance_m,forest_distance_m\r\n' +
  'urban,3521,127,37.6,0.948,62,2213,33910,10000\r\n' +
  'forest,324,126.5,33.4,0.01,999,149,11013,0\r\n' +
  '"wetland",77,129.05,35.1,0,-1.5,0,0,60';

const SEOUL: GridStatic = {
  latitude: 37.6,
  longitude: 127,
  landCover: 'urban',
  imperviousness: 0.948,
  riverDistanceM: 2213,
  coastDistanceM: 33910,
  forestDistanceM: 10000,
  elevationM: 62,
};

/** Distinct, plausible values per (scenario, year), with nulls where the format allows them. */
function indicators(s: number, year: number): YearIndicators {
  const t = year - 2021;
  const passage = year % 3 === 0;
  return {
    year,
    su25: 110 + t + s,
    tr25: 10 + (t % 7),
    wsdi: 5 + (t % 11),
    fd0: 90 - (t % 13),
    id0: 5 + (t % 3),
    csdi: t % 4,
    tnn: -12.5 + t / 10,
    prcp: 1250.5 + 10 * s - t,
    cdd: 30 + (t % 9),
    spei12: year % 7 === 0 ? null : (year % 13) / 4 - 1.5,
    rx1day: 150.2 + t,
    rain80: t % 5,
    ta: 13.25 + t / 50 + s / 10,
    rhm: 64.5,
    ws: 2.05,
    slr: t * 0.6,
    typhoonWindMs: passage ? 35.5 : 0,
    typhoonDistanceKm: passage ? 120.3 : null,
    typhoonIndex: passage ? 7 : 0,
    waterWithdrawal: 450.25,
    waterAvailable: 470.5 + s,
  };
}

const INDICATOR_HEADER = [
  'year', 'scenario', 'grid_id', 'water_available', 'su25', 'tr25', 'wsdi', 'fd0', 'id0', 'csdi', 'tnn', 'prcp', 'cdd', 'spei12', 'rx1day',
  'rain80', 'ta', 'rhm', 'ws', 'slr', 'typhoon_wind_ms', 'typhoon_distance_km', 'typhoon_index', 'water_withdrawal',
];
const KEY_OF: Record<string, keyof YearIndicators> = { typhoon_wind_ms: 'typhoonWindMs', typhoon_distance_km: 'typhoonDistanceKm', typhoon_index: 'typhoonIndex', water_withdrawal: 'waterWithdrawal', water_available: 'waterAvailable' };

function indicatorLine(gridId: number, scenario: Scenario, row: YearIndicators): string {
  return INDICATOR_HEADER.map((c) => {
    if (c === 'grid_id') return String(gridId);
    if (c === 'scenario') return scenario;
    const v = row[KEY_OF[c] ?? (c as keyof YearIndicators)];
    return v === null ? '' : String(v);
  }).join(',');
}

/** 3521: all four scenarios; 324: SSP245 only (allowed, but not enough for a site); 77: none. */
function indicatorCsv(): string {
  const lines = [INDICATOR_HEADER.join(',')];
  for (const [s, scenario] of SCENARIOS.entries()) for (let y = 2021; y <= 2100; y++) lines.push(indicatorLine(3521, scenario, indicators(s, y)));
  for (let y = 2021; y <= 2100; y++) lines.push(indicatorLine(324, 'SSP245', indicators(1, y)));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

let scratch: Awaited<ReturnType<typeof migratedScratchDatabase>>;
let pool: Pool;
let dir: string;

before(async () => {
  scratch = await migratedScratchDatabase();
  pool = scratch.pools[0];
  dir = mkdtempSync(path.join(os.tmpdir(), 'dp-reference-csv-'));
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await scratch.close();
});

function files(name: string, grid: string, yearly: string) {
  const gridPath = path.join(dir, `${name}-grid_points.csv`);
  const indicatorsPath = path.join(dir, `${name}-yearly_indicators.csv`);
  writeFileSync(gridPath, grid);
  writeFileSync(indicatorsPath, yearly);
  return { gridPath, indicatorsPath };
}

describe('importReferenceCsv', () => {
  test('imports the files and round-trips every value exactly', async () => {
    const result = await importReferenceCsv(pool, { ...files('good', GRID_CSV, indicatorCsv()), source: SOURCE }, quiet);
    assert.deepEqual({ ...result, ms: 0 }, { source: SOURCE, gridPoints: 3, yearlyIndicators: 400, replaced: false, ms: 0 });
    const loaded = await loadSiteInputs(pool, 3521);
    assert.deepEqual(loaded.grid, SEOUL);
    for (const [s, scenario] of SCENARIOS.entries()) {
      assert.deepEqual(loaded.series[scenario], Array.from({ length: 80 }, (_, i) => indicators(s, 2021 + i)));
    }
    assert.equal(loaded.series.SSP585[2].spei12, null, '2023 is a multiple of 7: empty spei12 is null');
    const wetland = await pool.query('SELECT land_cover, elevation_m, source FROM risk_grid_points WHERE id = 77');
    assert.deepEqual(wetland.rows, [{ land_cover: 'wetland', elevation_m: -1.5, source: SOURCE }]);
    await assert.rejects(loadSiteInputs(pool, 324), ReferenceDataMissingError);
    const meta = await readReferenceMeta(pool);
    assert.deepEqual([meta.source, meta.resolutionDeg, meta.counts], [SOURCE, null, { gridPoints: 3, yearlyIndicators: 400 }]);
  });

  test('importing the same files again replaces the dataset with an identical one', async () => {
    const result = await importReferenceCsv(pool, { ...files('again', GRID_CSV, indicatorCsv()), source: SOURCE }, quiet);
    assert.equal(result.replaced, true);
    assert.deepEqual([result.gridPoints, result.yearlyIndicators], [3, 400]);
  });

  const yearly = indicatorCsv().split('\r\n');
  const withLine = (lines: string[], index: number, edit: (line: string) => string) => lines.map((l, i) => (i === index ? edit(l) : l)).join('\r\n');
  const column = (name: string) => INDICATOR_HEADER.indexOf(name);
  const setField = (line: string, name: string, value: string) => line.split(',').map((v, i) => (i === column(name) ? value : v)).join(',');
  const badCases: Array<{ name: string; grid?: string; yearly?: string; error: RegExp }> = [
    { name: 'unknown land cover', grid: GRID_CSV.replace('forest,324', 'jungle,324'), error: /grid_points\.csv line 3, column land_cover: unknown value "jungle"/ },
    { name: 'missing column', grid: GRID_CSV.replace(',elevation_m', ''), error: /grid_points\.csv line 1, column elevation_m: missing column/ },
    { name: 'non-numeric value', yearly: withLine(yearly, 4, (l) => setField(l, 'prcp', '1250mm')), error: /yearly_indicators\.csv line 5, column prcp: "1250mm" is not a number/ },
    { name: 'empty non-nullable value', yearly: withLine(yearly, 9, (l) => setField(l, 'tnn', '')), error: /line 10, column tnn: empty value/ },
    { name: 'value out of range', yearly: withLine(yearly, 2, (l) => setField(l, 'rhm', '140')), error: /line 3, column rhm: 140 must be at most 100/ },
    { name: 'unknown grid id', yearly: withLine(yearly, 7, (l) => setField(l, 'grid_id', '999')), error: /line 8, column grid_id: grid_id 999 is not in/ },
    { name: 'duplicate year', yearly: withLine(yearly, 3, (l) => setField(l, 'year', '2021')), error: /line 4, column year: duplicate row for grid_id 3521, SSP126, 2021/ },
    { name: 'missing year', yearly: yearly.filter((_, i) => i !== 30).join('\r\n'), error: /line 2, column year: grid_id 3521, SSP126 has 79 of 80 years .*2050 is missing/ },
    { name: 'broken quoting', yearly: withLine(yearly, 6, (l) => `"${l}`), error: /line 7, column year: unterminated quoted field/ },
  ];
  for (const bad of badCases) {
    test(`fails on ${bad.name}, naming file, line and column, and writes nothing`, async () => {
      const before = await readReferenceMeta(pool);
      const paths = files(bad.name.replaceAll(' ', '-'), bad.grid ?? GRID_CSV, bad.yearly ?? indicatorCsv());
      await assert.rejects(importReferenceCsv(pool, { ...paths, source: 'other' }, quiet), (err: Error) => {
        assert.ok(err instanceof CsvImportError, err.stack);
        assert.match(err.message, bad.error);
        assert.ok(err.message.startsWith(bad.grid ? paths.gridPath : paths.indicatorsPath), err.message);
        return true;
      });
      assert.deepEqual(await readReferenceMeta(pool), before);
      assert.deepEqual((await loadSiteInputs(pool, 3521)).grid, SEOUL);
    });
  }

  test('--merge refuses to mix another dataset into the loaded one', async () => {
    const paths = files('merge', GRID_CSV, indicatorCsv());
    await assert.rejects(importReferenceCsv(pool, { ...paths, source: 'someone-else', merge: true }, quiet), MergeRefusedError);
    const merged = await importReferenceCsv(pool, { ...paths, source: SOURCE, merge: true }, quiet);
    assert.deepEqual([merged.replaced, merged.gridPoints, merged.yearlyIndicators], [false, 3, 400]);
  });

  test('a missing file fails before anything is touched', async () => {
    await assert.rejects(
      importReferenceCsv(pool, { gridPath: path.join(dir, 'nope.csv'), indicatorsPath: path.join(dir, 'nope2.csv') }, quiet),
      /nope\.csv: cannot read/,
    );
  });
});
