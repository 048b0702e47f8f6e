/**
 * Row shapes of the climate reference tables and how bulk writes travel: column lists shared by
 * the queries and the CSV importer, a column-wise batch, and PostgreSQL's binary array format.
 * The SQL itself lives in risk-reference.ts.
 */
import type { GridStatic, Scenario, YearIndicators } from '../../../domain/risk/types';

/** A grid point as stored: its id and static attributes. */
export interface GridPointRecord extends GridStatic {
  id: number;
}

type IndicatorKey = Exclude<keyof YearIndicators, 'year'>;

/** Every YearIndicators field except `year`, with its column name; CSV headers use the same names. */
export const INDICATOR_COLUMNS = [
  ['su25', 'su25'],
  ['tr25', 'tr25'],
  ['wsdi', 'wsdi'],
  ['fd0', 'fd0'],
  ['id0', 'id0'],
  ['csdi', 'csdi'],
  ['tnn', 'tnn'],
  ['prcp', 'prcp'],
  ['cdd', 'cdd'],
  ['spei12', 'spei12'],
  ['rx1day', 'rx1day'],
  ['rain80', 'rain80'],
  ['ta', 'ta'],
  ['rhm', 'rhm'],
  ['ws', 'ws'],
  ['slr', 'slr'],
  ['typhoon_wind_ms', 'typhoonWindMs'],
  ['typhoon_distance_km', 'typhoonDistanceKm'],
  ['typhoon_index', 'typhoonIndex'],
  ['water_withdrawal', 'waterWithdrawal'],
  ['water_available', 'waterAvailable'],
] as const satisfies ReadonlyArray<readonly [string, IndicatorKey]>;

// Compile-time proof that the list above names every indicator: adding a field to
// YearIndicators without a column fails the type check here.
type UnmappedIndicator = Exclude<IndicatorKey, (typeof INDICATOR_COLUMNS)[number][1]>;
const allIndicatorsMapped: [UnmappedIndicator] extends [never] ? true : never = true;
void allIndicatorsMapped;

export const INDICATOR_NAMES = INDICATOR_COLUMNS.map(([column]) => column);

/** Rows to write, kept column by column so a batch becomes one parameter per column. */
export class YearlyIndicatorBatch {
  readonly gridIds: number[] = [];
  readonly scenarios: Scenario[] = [];
  readonly years: number[] = [];
  readonly values: Array<Array<number | null>> = INDICATOR_COLUMNS.map(() => []);

  get size(): number {
    return this.gridIds.length;
  }

  add(gridId: number, scenario: Scenario, row: YearIndicators): void {
    this.gridIds.push(gridId);
    this.scenarios.push(scenario);
    this.years.push(row.year);
    for (let c = 0; c < INDICATOR_COLUMNS.length; c++) this.values[c].push(row[INDICATOR_COLUMNS[c][1]]);
  }
}

/** Element type OIDs of PostgreSQL's binary array format. */
const PG_TYPE = { int2: 21, int8: 20, float8: 701 } as const;

/**
 * A one-dimensional array in PostgreSQL's binary wire format (what array_recv reads).
 * node-postgres sends Buffer parameters as binary, so the server skips parsing text for
 * hundreds of thousands of numbers per load; floats also cross bit for bit (-0 included).
 */
export function binaryArray(values: ReadonlyArray<number | null>, type: keyof typeof PG_TYPE): Buffer {
  const width = type === 'int2' ? 2 : 8;
  const buf = Buffer.allocUnsafe(20 + values.length * (4 + width));
  buf.writeInt32BE(1, 0); // dimensions
  buf.writeInt32BE(values.includes(null) ? 1 : 0, 4);
  buf.writeUInt32BE(PG_TYPE[type], 8);
  buf.writeInt32BE(values.length, 12);
  buf.writeInt32BE(1, 16); // lower bound
  let at = 20;
  for (const v of values) {
    if (v === null) {
      at = buf.writeInt32BE(-1, at);
      continue;
    }
    if (!Number.isFinite(v)) throw new RangeError(`cannot store non-finite number ${v}`);
    at = buf.writeInt32BE(width, at);
    if (type === 'float8') at = buf.writeDoubleBE(v, at);
    else if (type === 'int8') at = buf.writeBigInt64BE(BigInt(v), at);
    else at = buf.writeInt16BE(v, at);
  }
  return buf.subarray(0, at);
}

export const float8s = (values: ReadonlyArray<number | null>) => binaryArray(values, 'float8');
