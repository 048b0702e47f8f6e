import type { Pool } from 'pg';
import { SYNTHETIC_SOURCE, validateGridSpec } from '../../../domain/risk/synthetic';
import { withTransaction } from '../../db/pool';
import { lockReferenceDataForLoad, readReferenceMeta, referenceDataStatus } from '../queries/reference';
import { LOAD_TIMEOUT_MS, writeSyntheticReferenceData } from './load-synthetic';
import { ensureRegions } from './regions';

/**
 * Makes sure some reference data is loaded: when `risk_grid_points` is empty, loads the synthetic
 * dataset for `opts`; otherwise leaves whatever is there (synthetic at another resolution, or
 * imported real data) alone. Runs on every `npm start` and test run, so the common case is one
 * count query.
 *
 * Processes starting together (API, workers, a second `npm start`) serialise on an advisory
 * lock and re-check under it, so exactly one of them loads and the others find the data. The
 * load is one transaction: a crash mid-way leaves the tables empty, and the next start retries.
 */
export async function ensureReferenceData(
  pool: Pool,
  opts: { resolutionDeg: number; seed: number },
  log: (msg: string) => void,
): Promise<{ loaded: boolean; gridPoints: number; ms: number }> {
  const started = performance.now();
  const spec = { resolutionDeg: opts.resolutionDeg, seed: opts.seed };
  validateGridSpec(spec);
  const elapsed = () => Math.round(performance.now() - started);
  // Regions do not depend on the grid (their nearest points are found per query), so they load on their own.
  await ensureRegions(pool, log);

  const before = await referenceDataStatus(pool);
  if (before.gridPoints > 0) {
    await noteOtherSpec(pool, spec, log);
    return { loaded: false, gridPoints: before.gridPoints, ms: elapsed() };
  }
  return withTransaction(pool, async (tx) => {
    await lockReferenceDataForLoad(tx, LOAD_TIMEOUT_MS);
    const now = await referenceDataStatus(tx);
    if (now.gridPoints > 0) return { loaded: false, gridPoints: now.gridPoints, ms: elapsed() };
    log(`loading synthetic reference data (${SYNTHETIC_SOURCE}, ${spec.resolutionDeg}°, seed ${spec.seed})…`);
    const result = await writeSyntheticReferenceData(tx, spec, log);
    log(`loaded ${result.gridPoints} grid points and ${result.yearlyIndicators} yearly rows in ${(elapsed() / 1000).toFixed(1)} s`);
    return { loaded: true, gridPoints: result.gridPoints, ms: elapsed() };
  });
}

/** A changed REFERENCE_GRID_* setting does not reload by itself (that would rewrite every grid id); say how to. */
async function noteOtherSpec(pool: Pool, spec: { resolutionDeg: number; seed: number }, log: (msg: string) => void): Promise<void> {
  const meta = await readReferenceMeta(pool);
  if (meta.source !== SYNTHETIC_SOURCE || (meta.resolutionDeg === spec.resolutionDeg && meta.seed === spec.seed)) return;
  log(
    `keeping the loaded ${SYNTHETIC_SOURCE} data (${meta.resolutionDeg}°, seed ${meta.seed}) although ${spec.resolutionDeg}°, seed ${spec.seed} ` +
      `was asked for; to switch run: npm run reference-data -- synthetic --resolution ${spec.resolutionDeg} --seed ${spec.seed}`,
  );
}
