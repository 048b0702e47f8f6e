/**
 * Row rules of the reference-data CSV files (docs/reference-data.md, "CSV format for real
 * data"): header check, one typed row per record, and the 80-years-per-series check. Pure; every
 * failure is a CsvImportError naming the file, line and column.
 */
import type { Scenario, YearIndicators } from '../../../domain/risk/types';
import { FIRST_YEAR, LAND_COVERS, LAST_YEAR, SCENARIOS } from '../../../domain/risk/types';
import type { CsvRecord } from '../../csv/read-csv-records';
import type { GridPointRecord } from '../queries/reference';
import { INDICATOR_COLUMNS } from '../queries/reference';

export class CsvImportError extends Error {
  override readonly name = 'CsvImportError';

  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly column: string | null,
    readonly reason: string,
  ) {
    super(`${file}${line === null ? '' : ` line ${line}`}${column === null ? '' : `, column ${column}`}: ${reason}`);
  }
}

interface Rule {
  min?: number;
  max?: number;
  /** `min` itself is not allowed. */
  above?: boolean;
  nullable?: boolean;
}

const GRID_RULES = {
  latitude: { min: 33, max: 39 },
  longitude: { min: 124.5, max: 132 },
  imperviousness: { min: 0, max: 1 },
  river_distance_m: { min: 0 },
  coast_distance_m: { min: 0 },
  // Empty: the dataset has no distance to forest here; wildfire E then estimates it from land cover.
  forest_distance_m: { min: 0, nullable: true },
  elevation_m: {},
} satisfies Record<string, Rule>;

const NON_NEGATIVE: Rule = { min: 0 };
const INDICATOR_RULES: Record<(typeof INDICATOR_COLUMNS)[number][0], Rule> = {
  su25: NON_NEGATIVE,
  tr25: NON_NEGATIVE,
  wsdi: NON_NEGATIVE,
  fd0: NON_NEGATIVE,
  id0: NON_NEGATIVE,
  csdi: NON_NEGATIVE,
  tnn: {},
  prcp: NON_NEGATIVE,
  cdd: NON_NEGATIVE,
  spei12: { nullable: true },
  rx1day: NON_NEGATIVE,
  rain80: NON_NEGATIVE,
  ta: {},
  rhm: { min: 0, max: 100 },
  ws: NON_NEGATIVE,
  slr: {},
  typhoon_wind_ms: NON_NEGATIVE,
  typhoon_distance_km: { min: 0, nullable: true },
  typhoon_index: NON_NEGATIVE,
  water_withdrawal: NON_NEGATIVE,
  water_available: { min: 0, above: true },
};

export const GRID_CSV_COLUMNS = ['id', 'land_cover', ...Object.keys(GRID_RULES)];
export const INDICATOR_CSV_COLUMNS = ['grid_id', 'scenario', 'year', ...INDICATOR_COLUMNS.map(([column]) => column)];

/** Column name → field position, after checking the header has exactly the expected columns. */
export type Header = Map<string, number>;

export function readHeader(file: string, record: CsvRecord, expected: readonly string[]): Header {
  const header: Header = new Map();
  for (const [i, name] of record.fields.entries()) {
    if (header.has(name)) throw new CsvImportError(file, record.line, name, 'column appears twice in the header');
    header.set(name, i);
  }
  const missing = expected.filter((c) => !header.has(c));
  if (missing.length > 0) throw new CsvImportError(file, record.line, missing[0], `missing column(s) in the header: ${missing.join(', ')}`);
  const extra = [...header.keys()].filter((c) => !expected.includes(c));
  if (extra.length > 0) throw new CsvImportError(file, record.line, extra[0], `unexpected column(s) in the header: ${extra.join(', ')}`);
  return header;
}

// Plain decimals with an optional exponent; no thousands separators, units, NaN or Infinity.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^\d+$/;

/** Reads typed values from one record, by column name. */
export class Fields {
  constructor(
    private readonly file: string,
    private readonly record: CsvRecord,
    private readonly header: Header,
  ) {
    if (record.fields.length !== header.size) {
      const hint = record.fields.length === 1 && record.fields[0] === '' ? ' (blank line)' : '';
      throw new CsvImportError(file, record.line, null, `expected ${header.size} fields, found ${record.fields.length}${hint}`);
    }
  }

  fail(column: string, reason: string): never {
    throw new CsvImportError(this.file, this.record.line, column, reason);
  }

  text(column: string): string {
    return this.record.fields[this.header.get(column) as number];
  }

  integer(column: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.text(column);
    if (!INTEGER.test(raw)) this.fail(column, raw === '' ? 'empty value (this column is not nullable)' : `${JSON.stringify(raw)} is not a whole number`);
    const value = Number(raw);
    if (value < min || value > max) this.fail(column, `${raw} is outside ${min}–${max}`);
    return value;
  }

  number(column: string, rule: Rule): number | null {
    const raw = this.text(column);
    if (raw === '') return rule.nullable ? null : this.fail(column, 'empty value (this column is not nullable)');
    if (!DECIMAL.test(raw)) this.fail(column, `${JSON.stringify(raw)} is not a number`);
    const value = Number(raw);
    if (!Number.isFinite(value)) this.fail(column, `${raw} is out of range`);
    if (rule.min !== undefined && (value < rule.min || (rule.above && value === rule.min))) {
      this.fail(column, `${raw} must be ${rule.above ? 'greater than' : 'at least'} ${rule.min}`);
    }
    if (rule.max !== undefined && value > rule.max) this.fail(column, `${raw} must be at most ${rule.max}`);
    return value;
  }

  oneOf<T extends string>(column: string, allowed: readonly T[]): T {
    const raw = this.text(column);
    if (!(allowed as readonly string[]).includes(raw)) this.fail(column, `unknown value ${JSON.stringify(raw)} (expected one of ${allowed.join(', ')})`);
    return raw as T;
  }
}

export function parseGridRow(file: string, record: CsvRecord, header: Header): GridPointRecord {
  const f = new Fields(file, record, header);
  // Only forest_distance_m is nullable, so every other column comes back as a number.
  const num = (column: Exclude<keyof typeof GRID_RULES, 'forest_distance_m'>) => f.number(column, GRID_RULES[column]) as number;
  return {
    id: f.integer('id', 0),
    latitude: num('latitude'),
    longitude: num('longitude'),
    landCover: f.oneOf('land_cover', LAND_COVERS),
    imperviousness: num('imperviousness'),
    riverDistanceM: num('river_distance_m'),
    coastDistanceM: num('coast_distance_m'),
    forestDistanceM: f.number('forest_distance_m', GRID_RULES.forest_distance_m),
    elevationM: num('elevation_m'),
  };
}

export interface IndicatorRow {
  gridId: number;
  scenario: Scenario;
  indicators: YearIndicators;
}

export function parseIndicatorRow(file: string, record: CsvRecord, header: Header): IndicatorRow {
  const f = new Fields(file, record, header);
  const gridId = f.integer('grid_id', 0);
  const scenario = f.oneOf('scenario', SCENARIOS);
  const values: Record<string, number | null> = { year: f.integer('year', FIRST_YEAR, LAST_YEAR) };
  for (const [column, key] of INDICATOR_COLUMNS) values[key] = f.number(column, INDICATOR_RULES[column]);
  return { gridId, scenario, indicators: values as unknown as YearIndicators };
}

const YEARS = LAST_YEAR - FIRST_YEAR + 1;

/** Checks that every (grid_id, scenario) in the file has each year exactly once. */
export class SeriesTracker {
  private readonly series = new Map<number, Array<{ years: Uint8Array; count: number; line: number } | undefined>>();

  constructor(private readonly file: string) {}

  add(line: number, row: IndicatorRow): void {
    let perScenario = this.series.get(row.gridId);
    if (!perScenario) this.series.set(row.gridId, (perScenario = []));
    const s = SCENARIOS.indexOf(row.scenario);
    const entry = (perScenario[s] ??= { years: new Uint8Array(YEARS), count: 0, line });
    const y = row.indicators.year - FIRST_YEAR;
    if (entry.years[y]) {
      throw new CsvImportError(this.file, line, 'year', `duplicate row for grid_id ${row.gridId}, ${row.scenario}, ${row.indicators.year}`);
    }
    entry.years[y] = 1;
    entry.count++;
  }

  /** Throws for the first incomplete series, pointing at the line where it starts. */
  assertComplete(): void {
    for (const [gridId, perScenario] of this.series) {
      for (const [s, entry] of perScenario.entries()) {
        if (!entry || entry.count === YEARS) continue;
        const missing = FIRST_YEAR + entry.years.indexOf(0);
        throw new CsvImportError(
          this.file,
          entry.line,
          'year',
          `grid_id ${gridId}, ${SCENARIOS[s]} has ${entry.count} of ${YEARS} years (${FIRST_YEAR}–${LAST_YEAR}); ${missing} is missing`,
        );
      }
    }
  }
}
