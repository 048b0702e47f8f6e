import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { Pool } from 'pg';
import { DEFAULT_SYNTHETIC_REGION_SPEC, generateSyntheticRegions, SYNTHETIC_REGION_SOURCE } from '../../../domain/risk/regions/synthetic';
import { MAX_REGION_NAME_LENGTH, REGION_CODE_PATTERN } from '../../../domain/risk/regions/types';
import { GRID_BOUNDS } from '../../../domain/risk/synthetic';
import type { CsvRecord } from '../../csv/read-csv-records';
import { withTransaction } from '../../db/pool';
import type { RegionRecord } from '../queries/regions';
import { deleteRegions, lockRegionsForLoad, regionStatus, upsertRegions } from '../queries/regions';
import type { Header } from './csv-rows';
import { CsvImportError, Fields, readHeader } from './csv-rows';
import { DEFAULT_CSV_SOURCE, nameSyntaxErrorColumn, readCsvFile } from './import-csv';

/**
 * Loading the region table (docs/reference-data.md, "Regions"): the synthetic stand-in when it is
 * empty, or a CSV of real regions that replaces whatever is there. Every load is one transaction
 * under an advisory lock, so the table holds one complete set, never a mix or a half.
 */

export interface RegionLoadResult {
  source: string;
  regions: number;
  loaded: boolean;
}

/** Run next to ensureReferenceData: loads the synthetic regions once; otherwise one count query. */
export async function ensureRegions(pool: Pool, log: (msg: string) => void): Promise<RegionLoadResult> {
  const before = await regionStatus(pool);
  if (before.regions > 0) return { source: Object.keys(before.sources).join(', '), regions: before.regions, loaded: false };
  return withTransaction(pool, async (tx) => {
    await lockRegionsForLoad(tx);
    // Processes starting together: whoever got the lock second finds the rows.
    const now = await regionStatus(tx);
    if (now.regions > 0) return { source: Object.keys(now.sources).join(', '), regions: now.regions, loaded: false };
    const regions = syntheticRecords();
    await upsertRegions(tx, regions);
    log(`loaded ${regions.length} synthetic regions (${SYNTHETIC_REGION_SOURCE}, codes SYN-001…)`);
    return { source: SYNTHETIC_REGION_SOURCE, regions: regions.length, loaded: true };
  });
}

/** Replaces the loaded regions (imported ones included) with the synthetic set. */
export async function loadSyntheticRegions(pool: Pool): Promise<RegionLoadResult> {
  return replaceRegions(pool, syntheticRecords());
}

function syntheticRecords(): RegionRecord[] {
  return generateSyntheticRegions(DEFAULT_SYNTHETIC_REGION_SPEC).map((r) => ({ ...r, source: SYNTHETIC_REGION_SOURCE }));
}

async function replaceRegions(pool: Pool, regions: RegionRecord[]): Promise<RegionLoadResult> {
  return withTransaction(pool, async (tx) => {
    await lockRegionsForLoad(tx);
    await deleteRegions(tx);
    await upsertRegions(tx, regions);
    const sources = [...new Set(regions.map((r) => r.source))];
    return { source: sources.join(', '), regions: regions.length, loaded: true };
  });
}

export const REGION_CSV_COLUMNS = ['code', 'name', 'latitude', 'longitude'] as const;
const OPTIONAL_SOURCE_COLUMN = 'source';
const MAX_SOURCE_LENGTH = 100;

/** One region from a CSV record; an empty `source` field means the import's label. */
export function parseRegionRow(file: string, record: CsvRecord, header: Header, defaultSource: string): RegionRecord {
  const f = new Fields(file, record, header);
  const code = f.text('code');
  if (!REGION_CODE_PATTERN.test(code)) {
    f.fail('code', `${JSON.stringify(code)} is not a region code (1–64 letters, digits, ".", "_" or "-", starting with a letter or digit)`);
  }
  const name = f.text('name').trim();
  if (name === '') f.fail('name', 'empty value (this column is not nullable)');
  if (name.length > MAX_REGION_NAME_LENGTH) f.fail('name', `longer than ${MAX_REGION_NAME_LENGTH} characters`);
  const source = header.has(OPTIONAL_SOURCE_COLUMN) ? f.text(OPTIONAL_SOURCE_COLUMN).trim() || defaultSource : defaultSource;
  if (source.length > MAX_SOURCE_LENGTH) f.fail(OPTIONAL_SOURCE_COLUMN, `longer than ${MAX_SOURCE_LENGTH} characters`);
  return {
    code,
    name,
    latitude: f.number('latitude', { min: GRID_BOUNDS.minLat, max: GRID_BOUNDS.maxLat }) as number,
    longitude: f.number('longitude', { min: GRID_BOUNDS.minLon, max: GRID_BOUNDS.maxLon }) as number,
    source,
  };
}

/**
 * Imports `code,name,latitude,longitude[,source]` (docs/reference-data.md) in place of the loaded
 * regions. The whole file is checked before anything is written, and the write is one
 * transaction: the first bad value stops the import with its file, line and column.
 */
export async function importRegionCsv(pool: Pool, opts: { path: string; source?: string }): Promise<RegionLoadResult> {
  const source = (opts.source ?? DEFAULT_CSV_SOURCE).trim();
  if (source === '') throw new RangeError('source label must not be empty');
  const regions = await readRegionFile(opts.path, source);
  return replaceRegions(pool, regions);
}

async function readRegionFile(file: string, source: string): Promise<RegionRecord[]> {
  try {
    await access(file, constants.R_OK);
  } catch (err) {
    throw new CsvImportError(file, null, null, `cannot read: ${(err as Error).message}`);
  }
  const regions: RegionRecord[] = [];
  const lines = new Map<string, number>();
  let header: Header | undefined;
  try {
    for await (const record of readCsvFile(file)) {
      if (!header) {
        const optional = record.fields.includes(OPTIONAL_SOURCE_COLUMN) ? [OPTIONAL_SOURCE_COLUMN] : [];
        header = readHeader(file, record, [...REGION_CSV_COLUMNS, ...optional]);
        continue;
      }
      const region = parseRegionRow(file, record, header, source);
      const first = lines.get(region.code);
      if (first !== undefined) throw new CsvImportError(file, record.line, 'code', `duplicate code ${region.code} (first on line ${first})`);
      lines.set(region.code, record.line);
      regions.push(region);
    }
  } catch (err) {
    throw header ? nameSyntaxErrorColumn(err, header) : err;
  }
  if (!header) throw new CsvImportError(file, null, null, 'the file is empty (a header row is required)');
  if (regions.length === 0) throw new CsvImportError(file, null, null, 'no regions after the header row');
  return regions;
}
