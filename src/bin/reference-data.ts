// Loads climate reference data into DATABASE_URL (see docs/reference-data.md):
//   npm run reference-data -- synthetic [--resolution 0.1] [--seed 42]
//   npm run reference-data -- import --grid grid_points.csv --indicators yearly_indicators.csv [--source NAME] [--merge]
//   npm run reference-data -- regions --file regions.csv [--source NAME] | --synthetic
//   npm run reference-data -- status
import { parseArgs } from 'node:util';
import type { Pool } from 'pg';
import { ConfigError, loadConfig, type Config } from '../config';
import { assertDatabaseReachable } from '../infra/db/check';
import { migrate } from '../infra/db/migrate';
import { createPool } from '../infra/db/pool';
import { readReferenceMeta, referenceDataStatus } from '../infra/risk/queries/reference';
import { regionStatus } from '../infra/risk/queries/regions';
import { CsvImportError } from '../infra/risk/reference-data/csv-rows';
import { DEFAULT_CSV_SOURCE, importReferenceCsv, MergeRefusedError } from '../infra/risk/reference-data/import-csv';
import { loadSyntheticReferenceData } from '../infra/risk/reference-data/load-synthetic';
import { importRegionCsv, loadSyntheticRegions } from '../infra/risk/reference-data/regions';
import { runMain } from './run-main';

const USAGE = `usage: npm run reference-data -- synthetic [--resolution DEG] [--seed N]
       npm run reference-data -- import --grid FILE --indicators FILE [--source NAME] [--merge]
       npm run reference-data -- regions --file FILE [--source NAME] | --synthetic
       npm run reference-data -- status`;

type Command =
  | { kind: 'synthetic'; resolutionDeg: number; seed: number }
  | { kind: 'import'; gridPath: string; indicatorsPath: string; source: string; merge: boolean }
  | { kind: 'regions'; path?: string; source: string }
  | { kind: 'status' };

function parseCommand(argv: string[], config: Config): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        resolution: { type: 'string' },
        seed: { type: 'string' },
        grid: { type: 'string' },
        indicators: { type: 'string' },
        source: { type: 'string' },
        merge: { type: 'boolean' },
        file: { type: 'string' },
        synthetic: { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const [kind, ...rest] = positionals;
  if (rest.length > 0) throw new ConfigError(`unexpected argument ${rest[0]}\n${USAGE}`);
  const number = (name: string, raw: string | undefined, fallback: number) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value)) throw new ConfigError(`--${name}: not a number (got ${JSON.stringify(raw)})`);
    return value;
  };
  if (kind === 'synthetic') {
    return {
      kind,
      resolutionDeg: number('resolution', values.resolution, config.pipelines.risk.referenceData.resolutionDeg),
      seed: number('seed', values.seed, config.pipelines.risk.referenceData.seed),
    };
  }
  if (kind === 'import') {
    if (!values.grid || !values.indicators) throw new ConfigError(`import needs --grid and --indicators\n${USAGE}`);
    return { kind, gridPath: values.grid, indicatorsPath: values.indicators, source: values.source ?? DEFAULT_CSV_SOURCE, merge: values.merge ?? false };
  }
  if (kind === 'regions') {
    if (Boolean(values.file) === Boolean(values.synthetic)) throw new ConfigError(`regions needs either --file or --synthetic\n${USAGE}`);
    return { kind, path: values.file, source: values.source ?? DEFAULT_CSV_SOURCE };
  }
  if (kind === 'status') return { kind };
  throw new ConfigError(`${kind === undefined ? 'missing command' : `unknown command ${kind}`}\n${USAGE}`);
}

async function run(command: Command, pool: Pool): Promise<void> {
  const log = (msg: string) => console.log(msg);
  if (command.kind === 'synthetic') {
    const r = await loadSyntheticReferenceData(pool, { resolutionDeg: command.resolutionDeg, seed: command.seed }, log);
    console.log(`synthetic/v1 at ${command.resolutionDeg}°, seed ${command.seed}: ${r.gridPoints} grid points, ${r.yearlyIndicators} yearly rows in ${(r.ms / 1000).toFixed(1)} s`);
  } else if (command.kind === 'import') {
    const r = await importReferenceCsv(pool, command, log);
    console.log(`${r.source}: ${r.gridPoints} grid points, ${r.yearlyIndicators} yearly rows in ${(r.ms / 1000).toFixed(1)} s`);
  } else if (command.kind === 'regions') {
    const r = command.path ? await importRegionCsv(pool, { path: command.path, source: command.source }) : await loadSyntheticRegions(pool);
    console.log(`${r.source}: ${r.regions} regions (replacing the ones loaded before)`);
  } else {
    const [status, meta, regions] = await Promise.all([referenceDataStatus(pool), readReferenceMeta(pool), regionStatus(pool)]);
    console.log(JSON.stringify({ ...meta, gridPoints: status.gridPoints, regions: regions.sources }, null, 2));
  }
}

runMain(async () => {
  const config = loadConfig();
  if (!config.postgres.url) throw new ConfigError('DATABASE_URL: required to load reference data');
  const command = parseCommand(process.argv.slice(2), config);
  const pool = createPool(config, 'dp-reference-data');
  try {
    await assertDatabaseReachable(pool, config.postgres.url);
    await migrate(pool);
    await run(command, pool);
  } catch (err) {
    // Bad data or arguments: the message names the file, line and column (or the flag); no stack trace.
    if (err instanceof CsvImportError || err instanceof MergeRefusedError || err instanceof RangeError) {
      console.error(`error: ${err.message}`);
      process.exitCode = 1;
      return;
    }
    throw err;
  } finally {
    await pool.end();
  }
});
