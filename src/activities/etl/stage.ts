import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import { DuplicateIdFilter, isBlankRecord, mapHeader, recordValues, validateJsonRecord, validateRow, type Field, type RowResult, type VideoRecord } from '../../domain/etl';
import { classifyPgError } from '../../infra/db/errors';
import { CsvSyntaxError, readCsvRecords } from '../../infra/csv/read-csv-records';
import * as etl from '../../infra/etl/queries';
import type { ObjectStore } from '../../infra/storage';
import { FAILURE_TYPES, knownFailure } from '../shared/failure-types';

const BATCH = 1_000;

/**
 * Parses the CSV as it streams from storage: a header row, then one checked row per record.
 * Row numbers are spreadsheet rows (the header is row 1), whatever line breaks cells hold.
 * Invalid UTF-8 becomes U+FFFD, so such a value reaches the row rules instead of failing the file.
 */
async function* csvRows(store: ObjectStore, key: string): AsyncGenerator<RowResult> {
  let columns: ReadonlyMap<number, Field> | undefined;
  let row = 0;
  try {
    for await (const record of readCsvRecords(await store.get(key), { invalidUtf8: 'replace' })) {
      row += 1;
      if (!columns) {
        const header = mapHeader(record.fields);
        if (header.missing.length) throw knownFailure(FAILURE_TYPES.badInput, `the CSV header lacks required columns: ${header.missing.join(', ')}`);
        columns = header.columns;
      } else if (!isBlankRecord(record.fields)) {
        yield validateRow(recordValues(columns, record.fields), row);
      }
    }
  } catch (err) {
    // The same bytes would fail the same way on every attempt.
    if (err instanceof CsvSyntaxError) throw knownFailure(FAILURE_TYPES.badInput, `the CSV is malformed at ${err.message}`);
    throw err;
  }
  if (!columns) throw knownFailure(FAILURE_TYPES.badInput, 'the CSV is empty');
}

async function* jsonRows(store: ObjectStore, key: string): AsyncGenerator<RowResult> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.get(key)) chunks.push(chunk as Buffer);
  const records = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown[];
  for (const [index, record] of records.entries()) yield validateJsonRecord(record, index);
}

type Rejection = { rowNumber: number; column: string | null; reason: string };
type ValidRow = { rowNumber: number; video: VideoRecord };

/**
 * Stages a batch in one statement. Should PostgreSQL refuse a value the row rules let through
 * (SQLSTATE class 22, e.g. a number out of its column's range), the batch is staged row by row
 * and each refused row becomes a rejection, so one row never fails the job. Ordinals stay
 * contiguous from `firstOrdinal`: chunks are cut by ordinal.
 */
async function stageBatch(pool: Pool, jobId: string, firstOrdinal: number, rows: readonly ValidRow[]): Promise<Rejection[]> {
  try {
    await etl.stageVideos(pool, jobId, firstOrdinal, rows.map((r) => r.video));
    return [];
  } catch (err) {
    if (!isDataException(err)) throw err;
  }
  const refused: Rejection[] = [];
  for (const [index, row] of rows.entries()) {
    try {
      await etl.stageVideos(pool, jobId, firstOrdinal + index - refused.length, [row.video]);
    } catch (err) {
      if (!isDataException(err)) throw err;
      refused.push({ rowNumber: row.rowNumber, column: null, reason: `the database cannot store this row: ${(err as Error).message}` });
    }
  }
  return refused;
}

const isDataException = (err: unknown) => classifyPgError(err) === 'permanent' && String((err as { code?: unknown }).code).startsWith('22');

/**
 * Reads the job's input from object storage into the staging table, in batches, and records
 * every rejected row with its number and reason; a repeated id keeps its first row. Re-running
 * stages the same rows again (upserts), so a retried attempt changes nothing.
 */
export async function stageInput(pool: Pool, store: ObjectStore, jobId: string): Promise<{ totalRows: number; validRows: number; rejected: number }> {
  const job = await etl.findEtlJob(pool, jobId);
  if (!job) throw knownFailure(FAILURE_TYPES.badData, `ETL job ${jobId} does not exist`);
  const duplicates = new DuplicateIdFilter();
  let valid: ValidRow[] = [];
  let rejections: Rejection[] = [];
  let totalRows = 0;
  let validRows = 0;
  const flush = async () => {
    const refused = await stageBatch(pool, jobId, validRows, valid);
    validRows += valid.length - refused.length;
    await etl.recordRejections(pool, jobId, [...rejections, ...refused]);
    valid = [];
    rejections = [];
    Context.current().heartbeat(totalRows);
  };
  for await (const row of job.source === 'csv' ? csvRows(store, job.inputKey) : jsonRows(store, job.inputKey)) {
    totalRows += 1;
    const checked = duplicates.check(row);
    if (checked.ok) valid.push({ rowNumber: checked.rowNumber, video: checked.video });
    else rejections.push(checked.rejection);
    if (valid.length + rejections.length >= BATCH) await flush();
  }
  await flush();
  await etl.setJobCounts(pool, jobId, totalRows, validRows);
  return { totalRows, validRows, rejected: totalRows - validRows };
}
