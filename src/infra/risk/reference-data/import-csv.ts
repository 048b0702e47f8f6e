import { constants, createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import type { Pool } from 'pg';
import { CsvEncodingError, CsvSyntaxError, readCsvRecords, type CsvRecord } from '../../csv/read-csv-records';
import { withTransaction } from '../../db/pool';
import type { Queryable } from '../../db/queryable';
import type { GridPointRecord } from '../queries/reference';
import {
  analyzeReferenceTables,
  deleteReferenceData,
  lockReferenceDataForLoad,
  readReferenceMeta,
  referenceDataStatus,
  upsertGridPoints,
  upsertYearlyIndicators,
  writeReferenceMeta,
  YearlyIndicatorBatch,
} from '../queries/reference';
import type { Header } from './csv-rows';
import { CsvImportError, GRID_CSV_COLUMNS, INDICATOR_CSV_COLUMNS, parseGridRow, parseIndicatorRow, readHeader, SeriesTracker } from './csv-rows';
import { LOAD_TIMEOUT_MS } from './load-synthetic';
import { WritePipeline } from './write-pipeline';

export interface CsvImportOptions {
  gridPath: string;
  indicatorsPath: string;
  /** Stored with every grid point and in the metadata; results computed from the data show it. */
  source?: string;
  /**
   * Upsert into the loaded dataset (same source label only), e.g. a large dataset split into
   * regional files. Without it the files replace whatever is loaded.
   */
  merge?: boolean;
}

export interface CsvImportResult {
  source: string;
  gridPoints: number;
  yearlyIndicators: number;
  replaced: boolean;
  ms: number;
}

/** Merging would mix two datasets whose grid ids need not agree. */
export class MergeRefusedError extends Error {
  override readonly name = 'MergeRefusedError';
}

export const DEFAULT_CSV_SOURCE = 'csv-import';
const GRID_ROWS_PER_BATCH = 5_000;
const INDICATOR_ROWS_PER_BATCH = 10_000;

/**
 * Imports `grid_points.csv` and `yearly_indicators.csv` (docs/reference-data.md) in one
 * transaction: any bad value, missing year or unknown grid id rolls everything back, so the
 * tables hold either the old data or the complete new data. Files are streamed, so their size
 * is bounded by the database, not memory (apart from one small entry per grid id and series).
 */
export async function importReferenceCsv(pool: Pool, opts: CsvImportOptions, log: (msg: string) => void): Promise<CsvImportResult> {
  const started = performance.now();
  const source = opts.source ?? DEFAULT_CSV_SOURCE;
  if (source.trim() === '') throw new RangeError('source label must not be empty');
  // Fail before taking the lock or touching the tables when a path is simply wrong; checked in
  // order, so with both wrong the grid file is the one named, whichever check finishes first.
  for (const file of [opts.gridPath, opts.indicatorsPath]) await assertReadable(file);
  return withTransaction(pool, async (tx) => {
    await lockReferenceDataForLoad(tx, LOAD_TIMEOUT_MS);
    const replaced = await prepareTarget(tx, source, opts.merge ?? false, log);
    const gridIds = await importGridFile(tx, opts.gridPath, source);
    log(`${opts.gridPath}: ${gridIds.size} grid points`);
    const rows = await importIndicatorFile(tx, opts.indicatorsPath, opts.gridPath, gridIds);
    log(`${opts.indicatorsPath}: ${rows} yearly rows`);
    await analyzeReferenceTables(tx);
    const meta = await writeReferenceMeta(tx, { source, resolutionDeg: null, seed: null });
    return {
      source,
      gridPoints: meta.counts?.gridPoints ?? 0,
      yearlyIndicators: meta.counts?.yearlyIndicators ?? 0,
      replaced,
      ms: Math.round(performance.now() - started),
    };
  });
}

async function prepareTarget(db: Queryable, source: string, merge: boolean, log: (msg: string) => void): Promise<boolean> {
  const [status, meta] = await Promise.all([referenceDataStatus(db), readReferenceMeta(db)]);
  if (status.gridPoints === 0) return false;
  if (merge) {
    if (meta.source === source) return false;
    throw new MergeRefusedError(`--merge: the loaded data is ${meta.source ?? 'unlabelled'}, not ${source}; import without --merge to replace it`);
  }
  log(`replacing the loaded reference data (${meta.source ?? 'unlabelled'}, ${status.gridPoints} grid points)`);
  await deleteReferenceData(db);
  return true;
}

async function importGridFile(db: Queryable, file: string, source: string): Promise<Set<number>> {
  const ids = new Set<number>();
  await WritePipeline.run(async (pipeline) => {
    let batch: GridPointRecord[] = [];
    const flush = async () => {
      const rows = batch;
      batch = [];
      await pipeline.send(() => upsertGridPoints(db, rows, source));
    };
    await forEachRow(file, GRID_CSV_COLUMNS, async (record, header) => {
      const point = parseGridRow(file, record, header);
      if (ids.has(point.id)) throw new CsvImportError(file, record.line, 'id', `duplicate id ${point.id}`);
      ids.add(point.id);
      batch.push(point);
      if (batch.length >= GRID_ROWS_PER_BATCH) await flush();
    });
    await flush();
  });
  return ids;
}

async function importIndicatorFile(db: Queryable, file: string, gridFile: string, gridIds: Set<number>): Promise<number> {
  const series = new SeriesTracker(file);
  let count = 0;
  await WritePipeline.run(async (pipeline) => {
    let batch = new YearlyIndicatorBatch();
    const flush = async () => {
      const rows = batch;
      batch = new YearlyIndicatorBatch();
      await pipeline.send(() => upsertYearlyIndicators(db, rows));
    };
    await forEachRow(file, INDICATOR_CSV_COLUMNS, async (record, header) => {
      const row = parseIndicatorRow(file, record, header);
      if (!gridIds.has(row.gridId)) throw new CsvImportError(file, record.line, 'grid_id', `grid_id ${row.gridId} is not in ${gridFile}`);
      series.add(record.line, row);
      batch.add(row.gridId, row.scenario, row.indicators);
      count++;
      if (batch.size >= INDICATOR_ROWS_PER_BATCH) await flush();
    });
    await flush();
  });
  series.assertComplete();
  return count;
}

async function assertReadable(file: string): Promise<void> {
  try {
    await access(file, constants.R_OK);
  } catch (err) {
    throw new CsvImportError(file, null, null, `cannot read: ${(err as Error).message}`);
  }
}

/** Streams a CSV file's data records to `onRow`, after checking its header. */
async function forEachRow(
  file: string,
  columns: readonly string[],
  onRow: (record: CsvRecord, header: Header) => Promise<void>,
): Promise<void> {
  let header: Header | undefined;
  try {
    for await (const record of readCsvFile(file)) {
      if (header) await onRow(record, header);
      else header = readHeader(file, record, columns);
    }
  } catch (err) {
    throw header ? nameSyntaxErrorColumn(err, header) : err;
  }
  if (!header) throw new CsvImportError(file, null, null, 'the file is empty (a header row is required)');
}

/** The parser only knows field positions (`#3`); once the header is read, name the column. */
export function nameSyntaxErrorColumn(err: unknown, header: Header): unknown {
  if (!(err instanceof CsvImportError) || !err.column?.startsWith('#')) return err;
  const position = Number(err.column.slice(1)) - 1;
  const name = [...header].find(([, i]) => i === position)?.[0];
  return name ? new CsvImportError(err.file, err.line, name, err.reason) : err;
}

/** Streams a file's records (strict UTF-8, 1 MiB reads); a failure names the file and, where it can, the line and field (`#3`). */
export async function* readCsvFile(file: string): AsyncGenerator<CsvRecord> {
  try {
    yield* readCsvRecords(createReadStream(file, { highWaterMark: 1 << 20 }));
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new CsvImportError(file, err.line, `#${err.fieldNumber}`, err.reason);
    if (err instanceof CsvEncodingError) throw new CsvImportError(file, null, null, err.message);
    if (typeof (err as { syscall?: string }).syscall === 'string') throw new CsvImportError(file, null, null, `cannot read: ${(err as Error).message}`);
    throw err;
  }
}
