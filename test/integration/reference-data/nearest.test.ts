import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Pool } from 'pg';
import type { GridPoint } from '../../../src/domain/risk/synthetic';
import { generateGridPoints, SYNTHETIC_SOURCE } from '../../../src/domain/risk/synthetic';
import {
  analyzeReferenceTables,
  findNearestGridPoints,
  NEAREST_GRID_POINTS_SQL,
  upsertGridPoints,
} from '../../../src/infra/risk/queries/reference';
import { migratedScratchDatabase } from './scratch';

// 0.05°: 4,177 points, enough for the planner to prefer the index as it will in production.
const POINTS = generateGridPoints({ resolutionDeg: 0.05, seed: 42 });

let scratch: Awaited<ReturnType<typeof migratedScratchDatabase>>;
let pool: Pool;

before(async () => {
  scratch = await migratedScratchDatabase();
  pool = scratch.pools[0];
});
after(() => scratch.close());

function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(a));
}

function bruteForceNearest(points: GridPoint[], lat: number, lon: number): { gridId: number; distanceKm: number } {
  let best = { gridId: -1, distanceKm: Infinity };
  for (const p of points) {
    const d = haversineKm(lat, lon, p.latitude, p.longitude);
    if (d < best.distanceKm) best = { gridId: p.id, distanceKm: d };
  }
  return best;
}

/** mulberry32: the same "random" coordinates on every run. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('findNearestGridPoints', () => {
  test('gives null for every coordinate while no grid is loaded, and [] for no coordinates', async () => {
    assert.deepEqual(await findNearestGridPoints(pool, [{ latitude: 37.5, longitude: 127 }, { latitude: 35, longitude: 129 }]), [null, null]);
    assert.deepEqual(await findNearestGridPoints(pool, []), []);
  });

  test('rejects coordinates that are not on Earth', async () => {
    await assert.rejects(findNearestGridPoints(pool, [{ latitude: Number.NaN, longitude: 127 }]), /coordinate 0/);
    await assert.rejects(findNearestGridPoints(pool, [{ latitude: 37, longitude: 127 }, { latitude: 91, longitude: 127 }]), /coordinate 1/);
  });

  test('matches a brute-force great-circle scan for 200 random coordinates, in input order', async () => {
    for (let i = 0; i < POINTS.length; i += 1000) await upsertGridPoints(pool, POINTS.slice(i, i + 1000), SYNTHETIC_SOURCE);
    await analyzeReferenceTables(pool);
    const random = seededRandom(2024);
    // The grid's box plus a margin: inland, coastal, offshore and outside-coverage points.
    const coords = Array.from({ length: 200 }, () => ({ latitude: 32.5 + random() * 7, longitude: 124 + random() * 8.5 }));
    coords.push({ latitude: POINTS[100].latitude, longitude: POINTS[100].longitude });
    const found = await findNearestGridPoints(pool, coords);
    assert.equal(found.length, coords.length);
    for (const [i, c] of coords.entries()) {
      const expected = bruteForceNearest(POINTS, c.latitude, c.longitude);
      const got = found[i];
      assert.ok(got, `coordinate ${i}`);
      assert.ok(Math.abs(got.distanceKm - expected.distanceKm) < 1e-6, `coordinate ${i}: ${got.distanceKm} vs ${expected.distanceKm}`);
      assert.equal(got.gridId, expected.gridId, `coordinate ${i} (${c.latitude}, ${c.longitude})`);
    }
    assert.deepEqual(found.at(-1), { gridId: POINTS[100].id, distanceKm: 0 });
  });

  test('uses the GiST index for both the KNN probe and the re-rank, never a sequential scan', async () => {
    const { rows } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${NEAREST_GRID_POINTS_SQL}`, ['{37.5,35.1}', '{127,129}']);
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    assert.doesNotMatch(plan, /Seq Scan on risk_grid_points/, plan);
    assert.match(plan, /Index (Only )?Scan using risk_grid_points_location[\s\S]*Order By: \(location <->/, plan);
    assert.match(plan, /Index Scan (using|on) risk_grid_points_location[\s\S]*Index Cond: \(location <@ circle/, plan);
  });

  test('resolves 10,000 coordinates in one statement, quickly', async () => {
    const random = seededRandom(7);
    const coords = Array.from({ length: 10_000 }, () => {
      const p = POINTS[Math.floor(random() * POINTS.length)];
      return { latitude: p.latitude + (random() - 0.5) * 0.1, longitude: p.longitude + (random() - 0.5) * 0.1 };
    });
    const started = performance.now();
    const found = await findNearestGridPoints(pool, coords);
    const ms = performance.now() - started;
    console.log(`# findNearestGridPoints: 10,000 coordinates over ${POINTS.length} points in ${ms.toFixed(0)} ms`);
    assert.equal(found.length, 10_000);
    assert.ok(found.every((f) => f !== null && f.distanceKm < 8));
  });
});
