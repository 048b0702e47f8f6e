// Loads climate reference data into DATABASE_URL (see docs/reference-data.md):
//   npm run reference-data -- synthetic [--resolution 0.1] [--seed 42]
//   npm run reference-data -- import --grid grid_points.csv --indicators yearly_indicators.csv [--source NAME] [--merge]
//   npm run reference-data -- status
import { parseArgs } from 'node:util';
import type { Pool } from 'pg';
import { ConfigError, loadConfig, type Config } from '../config';
import { assertDatabaseReachable } from '../infra/db/check';
import { migrate } from '../infra/db/migrate';
import { createPool } from '../infra/db/pool';
import { readReferenceMeta, referenceDataStatus } from '../infra/db/queries/risk-reference';
import { CsvImportError } from '../infra/reference-data/csv-rows';
import { DEFAULT_CSV_SOURCE, importReferenceCsv, MergeRefusedError } from '../infra/reference-data/import-csv';
import { loadSyntheticReferenceData } from '../infra/reference-data/load-synthetic';
import { runMain } from './run-main';

const USAGE = `usage: npm run reference-data -- synthetic [--resolution DEG] [--seed N]
       npm run reference-data -- import --grid FILE --indicators FILE [--source NAME] [--merge]
       npm run reference-data -- status`;

type Command =
  | { kind: 'synthetic'; resolutionDeg: number; seed: number }
  | { kind: 'import'; gridPath: string; indicatorsPath: string; source: string; merge: boolean }
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
      resolutionDeg: number('resolution', values.resolution, config.referenceData.resolutionDeg),
      seed: number('seed', values.seed, config.referenceData.seed),
    };
  }
  if (kind === 'import') {
    if (!values.grid || !values.indicators) throw new ConfigError(`import needs --grid and --indicators\n${USAGE}`);
    return { kind, gridPath: values.grid, indicatorsPath: values.indicators, source: values.source ?? DEFAULT_CSV_SOURCE, merge: values.merge ?? false };
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
  } else {
    const [status, meta] = await Promise.all([referenceDataStatus(pool), readReferenceMeta(pool)]);
    console.log(JSON.stringify({ ...meta, gridPoints: status.gridPoints }, null, 2));
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
