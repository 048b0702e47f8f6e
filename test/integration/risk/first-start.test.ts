import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { roundScore } from '../../../src/api/risk/units';
import { FOREST_DISTANCE_BY_LAND_COVER_M } from '../../../src/domain/risk/building-facts';
import { exposureScore } from '../../../src/domain/risk/exposure';
import type { GridPoint } from '../../../src/domain/risk/synthetic';
import { createLogger } from '../../../src/infra/logger';
import { importReferenceCsv } from '../../../src/infra/risk/reference-data/import-csv';
import { importRegionCsv } from '../../../src/infra/risk/reference-data/regions';
import { riskPipeline } from '../../../src/pipelines/risk';
import { findFreePort } from '../../../src/infra/net';
import { contractValidator, fetchOpenApi } from '../../support/openapi-contract';
import { syntheticPointsIn, writeReferenceCsv } from '../../support/reference-csv';
import { regionScratchDatabase } from '../../support/regions';
import { postAssessment, site, waitForAssessment } from '../../support/risk';
import { startTestStack, testConfig, waitUntil, type TestStack } from '../../support/stack';
import { spawnWorker, type WorkerProcess } from '../../support/worker-process';

/**
 * A newcomer's first start, on a database of its own: real reference data imported from CSV (a
 * few points around Seoul, one of them without a forest distance) and two regions, no hazard
 * scores. The API is up before any risk worker, as a reader of the README may find it.
 */
const SPEC = { resolutionDeg: 0.1, seed: 42 };
const POINTS = syntheticPointsIn({ minLat: 37.35, maxLat: 37.55, minLon: 126.85, maxLon: 127.05 }, SPEC);
const BUILDING = { structure: 'reinforced_concrete', purpose: 'office', floorsAbove: 5, floorsBelow: 0, ageYears: 10, floorAreaM2: 2000 } as const;
const wildfireE = (p: GridPoint, forestDistanceM: number | null) =>
  exposureScore('wildfire', { latitude: p.latitude, building: { ...BUILDING, hasPiloti: false }, grid: { ...p, forestDistanceM }, climate: { meanPrcpMm: 0, meanCdd: 0 } });
// The region (and site) on a point whose import leaves out a forest distance that would have changed its E, and another one.
const BARE = POINTS.find((p) => wildfireE(p, null) !== wildfireE(p, p.forestDistanceM))!;
const OTHER = POINTS.find((p) => p.id !== BARE?.id)!;
const ASK = '/api/regions/scores?hazard=river_flood&scenario=SSP245&years=2030,2050';

let scratch: Awaited<ReturnType<typeof regionScratchDatabase>>;
let ENV: Record<string, string>;
let stack: TestStack;
let worker: WorkerProcess | undefined;
let dir: string;
const logger = createLogger('warn', 'test');

before(async () => {
  assert.ok(POINTS.length >= 4 && BARE && OTHER, `${POINTS.length} points, one whose land cover and distance disagree`);
  scratch = await regionScratchDatabase();
  ENV = { DATABASE_URL: scratch.url, RISK_BATCH_ON_FIRST_START: 'true', RISK_BATCH_POINTS_PER_CHILD: '2', RISK_BATCH_POINTS_PER_ACTIVITY: '1' };
  dir = mkdtempSync(path.join(os.tmpdir(), 'dp-first-start-'));
  const pool = scratch.pools[0];
  await importReferenceCsv(pool, { ...writeReferenceCsv(dir, POINTS, SPEC, new Set([BARE.id])), source: 'test/first-start' }, () => undefined);
  const regions = path.join(dir, 'regions.csv');
  const region = (code: string, p: GridPoint) => `${code},Region ${code},${p.latitude},${p.longitude}`;
  writeFileSync(regions, ['code,name,latitude,longitude', region('BARE', BARE), region('OTHER', OTHER)].join('\n'));
  await importRegionCsv(pool, { path: regions, source: 'test/first-start' });
  stack = await startTestStack({ config: testConfig(ENV), queues: false });
});
after(async () => {
  worker?.child.kill('SIGTERM');
  await worker?.exited();
  await stack.temporal.schedule.getHandle(stack.config.pipelines.risk.gridBatch.scheduleId).delete().catch(() => undefined);
  await stack.stop();
  await scratch.close();
  rmSync(dir, { recursive: true, force: true });
});

const settings = () => stack.config.pipelines.risk;
/** What a risk worker does at start-up, before it polls. */
const workerStartUp = () => riskPipeline.ensureSchedules!(stack.temporal, settings(), logger, stack.pool);
const schedule = () => stack.temporal.schedule.getHandle(settings().gridBatch.scheduleId).describe();
const get = async (url: string, init?: RequestInit) => {
  const res = await fetch(`${stack.apiUrl}${url}`, init);
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
};

describe('first start with empty hazard tables', () => {
  let batchId: string;

  test('before a risk worker has started, missing region scores are a 409 that says how to run the batch', async () => {
    const { status, body } = await get(ASK);
    assert.equal(status, 409);
    assert.match(body.detail, /No scheduled grid batch is running: POST \/api\/risk-batches runs one now$/);
  });

  test("a risk worker's start-up runs the grid batch once; meanwhile regions answer 503 with Retry-After and progress", async () => {
    await workerStartUp();
    await Promise.all([workerStartUp(), workerStartUp()]);
    const described = await schedule();
    assert.equal(described.info.numActionsTaken, 1, 'three start-ups, one batch');
    assert.equal(described.info.runningActions.length, 1);
    batchId = described.info.runningActions[0].workflow.workflowId;

    const { status, headers, body } = await get(ASK);
    assert.equal(status, 503, JSON.stringify(body));
    assert.equal(headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.equal(headers.get('retry-after'), String(body.retryAfterSeconds));
    assert.ok(body.retryAfterSeconds >= 5 && body.retryAfterSeconds <= 300);
    assert.deepEqual(body.batch, { id: batchId, pointsTotal: POINTS.length, pointsDone: 0, startedAt: null, links: { self: `/api/risk-batches/${batchId}` } });
    assert.match(body.detail, new RegExp(`grid batch ${batchId} is computing the scores \\(0 of ${POINTS.length} grid points\\)`));
    const problems = contractValidator(await fetchOpenApi(stack.apiUrl))({ method: 'GET', route: '/api/regions/scores', status, contentType: headers.get('content-type')!, body });
    assert.deepEqual(problems, []);
    // An on-demand run meanwhile is skipped like any overlapping one.
    assert.equal((await get('/api/risk-batches', { method: 'POST' })).status, 409);
  });

  test('a risk worker process runs it (its own start-up adds no batch): then every region score, equal to the stored H at 2 decimals', { timeout: 180_000 }, async () => {
    worker = spawnWorker(stack.config, ['--queue', 'risk'], { ...ENV, WORKER_METRICS_PORT: String(await findFreePort()) });
    const done = await waitUntil('the first batch to complete', async () => {
      const batch = await get(`/api/risk-batches/${batchId}`);
      return batch.status === 200 && batch.body.status !== 'RUNNING' && batch.body;
    }, 120_000).catch((err) => {
      throw new Error(`${err.message}\n${worker?.output()}`);
    });
    assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
    assert.equal((await schedule()).info.numActionsTaken, 1, "the worker process's own start-up started no second batch");
    assert.deepEqual([done.trigger, done.pointsDone, done.failedPoints], ['schedule', POINTS.length, 0]);

    const { status, body } = await get(ASK);
    assert.equal(status, 200, JSON.stringify(body));
    for (const [code, point] of [['BARE', BARE], ['OTHER', OTHER]] as const) {
      const { rows } = await stack.pool.query(`SELECT year, h FROM hazard_results WHERE grid_id = $1 AND scenario = 'SSP245' AND hazard = 'river_flood' AND year IN (2030, 2050)`, [point.id]);
      assert.deepEqual(body.regionScores[code], Object.fromEntries(rows.map((r) => [String(r.year), roundScore(r.h)])), code);
    }
    await workerStartUp();
    assert.equal((await schedule()).info.numActionsTaken, 1);
  });

  test('a site on the point without forest distance: wildfire E from land cover, and H as the region shows it', { timeout: 120_000 }, async () => {
    const request = { sites: [site('bare', 0, { latitude: BARE.latitude, longitude: BARE.longitude, building: BUILDING })], scenarios: ['SSP245'], years: { from: 2030, to: 2030 } };
    const posted = await postAssessment(stack, request, 'first-start-site');
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    await waitForAssessment(stack, posted.body.id, 'COMPLETED');
    const results = `/api/risk-assessments/${posted.body.id}/results/bare/SSP245/2030`;

    const wildfire = (await get(`${results}/wildfire`)).body;
    assert.equal(wildfire.explain.exposure.forestDistanceSource, 'land cover');
    assert.equal(wildfire.explain.gridPoint.forestDistanceM, null);
    assert.equal(wildfire.explain.exposure.facts.forestDistanceM, FOREST_DISTANCE_BY_LAND_COVER_M[BARE.landCover]);
    assert.equal(wildfire.e, wildfireE(BARE, null));
    assert.notEqual(wildfire.e, wildfireE(BARE, BARE.forestDistanceM), 'the synthetic distance left out of the import would have given another E');
    assert.equal(wildfire.explain.matchesStored, true);

    const flood = (await get(`${results}/river_flood`)).body;
    const regions = (await get(ASK)).body;
    assert.equal(flood.h, regions.regionScores.BARE['2030'], 'site result and region score come from the same stored H');
    const { rows } = await stack.pool.query(`SELECT DISTINCT batch_id FROM hazard_results WHERE grid_id = $1 AND scenario = 'SSP245' AND year = 2030`, [BARE.id]);
    assert.deepEqual(rows, [{ batch_id: batchId }], 'the site reused the batch rows');
  });
});
