import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startSampleChallengeSite } from '../../../devtools/sample-challenge-site';
import { mediaPath, startSampleVideoHost, type SampleVideoHost } from '../../../devtools/sample-video-host';
import { migrate } from '../../../src/infra/db/migrate';
import { createPool } from '../../../src/infra/db/pool';
import { regionScores } from '../../../src/infra/risk/queries/region-scores';
import { ensureCrawlSchedule } from '../../../src/pipelines/feedback/crawl-schedule';
import { moderationPipeline } from '../../../src/pipelines/moderation';
import { ensureRetrainSchedule } from '../../../src/pipelines/moderation/retrain-schedule';
import { ensureGridBatchSchedule } from '../../../src/pipelines/risk/grid-batch-schedule';
import { firstGridPoints, startGridBatch } from '../../support/grid-batch';
import { contractValidator, documentedOperations, fetchOpenApi, parseSse, type Exchange } from '../../support/openapi-contract';
import { fillHazardResults } from '../../support/regions';
import { feedbackEnv, insertChallenge, startFakeModelServer, type FakeModelServer } from '../../support/feedback';
import { waitForBatch, waitForRetrain } from '../../support/moderation';
import { createScratchDatabase } from '../../support/scratch-database';
import { site } from '../../support/risk';
import { startTestStack, testConfig, waitUntil, type TestStack } from '../../support/stack';
import { sttEnv, startFakeSttVendor, wav, type FakeVendor } from '../../support/stt';

/**
 * The API's contract: real requests through the whole stack, every answer (successes and
 * problems, JSON, CSV, text and event streams) validated against /openapi.json, and every
 * documented operation exercised at least once. Operations added later are found in the
 * document; a GET without path or required query parameters is called as it is, anything
 * else needs an exercise here, or the test says which one is missing.
 */
let stack: TestStack;
// Moderation gets a stack on a database of its own: retraining promotes models, which would change other tests' verdicts.
let moderation: TestStack;
let moderationDb: Awaited<ReturnType<typeof createScratchDatabase>>;
let vendor: FakeVendor;
let modelServer: FakeModelServer;
let host: SampleVideoHost;
const exchanges: Exchange[] = [];

before(async () => {
  vendor = await startFakeSttVendor({ processingMs: 200 });
  host = await startSampleVideoHost();
  modelServer = await startFakeModelServer({ tokenLatencyMs: 1 });
  stack = await startTestStack({ config: testConfig({ ...sttEnv(vendor), ...feedbackEnv(modelServer), FETCH_ALLOW_HOSTS: '127.0.0.1:*' }) });
  moderationDb = await createScratchDatabase();
  const config = testConfig({ DATABASE_URL: moderationDb.url });
  const pool = createPool(config, 'dp-test-contract-moderation');
  try {
    await migrate(pool);
    await moderationPipeline.prepareDatabase!(pool, config.pipelines.moderation, () => undefined);
  } finally {
    await pool.end();
  }
  moderation = await startTestStack({ config, queues: ['moderation'] });
  await ensureRetrainSchedule(moderation.temporal, config.pipelines.moderation);
});
after(async () => {
  await stack.temporal.schedule.getHandle(stack.config.pipelines.risk.gridBatch.scheduleId).delete().catch(() => undefined);
  await moderation.temporal.schedule.getHandle(moderation.config.pipelines.moderation.retrain.scheduleId).delete().catch(() => undefined);
  await moderation.stop();
  await moderationDb.drop();
  await stack.stop();
  await host.stop();
  await vendor.stop();
  await modelServer.stop();
});

interface CallOptions {
  params?: Record<string, string>;
  query?: string;
  json?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
  /** Another stack's API (default: the main stack's). */
  apiUrl?: string;
}

/** Calls a documented route and records the answer. */
async function call(method: string, route: string, opts: CallOptions = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const path = route.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(opts.params?.[name] ?? ''));
  const headers: Record<string, string> = { ...(opts.json !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers };
  const body = opts.form ?? (opts.json !== undefined ? JSON.stringify(opts.json) : undefined);
  const res = await fetch(`${opts.apiUrl ?? stack.apiUrl}${path}${opts.query ? `?${opts.query}` : ''}`, { method, headers, body });
  const contentType = res.headers.get('content-type') ?? '';
  const text = await res.text();
  const parsed = /json/.test(contentType) ? JSON.parse(text) : contentType.startsWith('text/event-stream') ? parseSse(text) : text;
  exchanges.push({ method, route, status: res.status, contentType, body: parsed });
  return { status: res.status, body: parsed, headers: res.headers };
}

const until = <T>(what: string, probe: () => Promise<T | undefined | false>) => waitUntil(what, probe, 120_000);
const finished = (status: string) => ['COMPLETED', 'FAILED', 'CANCELED', 'TERMINATED', 'TIMED_OUT'].includes(status);

async function exerciseRisk(): Promise<void> {
  const a = '/api/risk-assessments';
  const request = { sites: [site('contract', 0)], scenarios: ['SSP245'], years: { from: 2050, to: 2051 } };
  const { body: accepted } = await call('POST', a, { json: request, headers: { 'idempotency-key': 'contract' } });
  await call('POST', a, { json: request, headers: { 'idempotency-key': 'contract' } });
  const params = { id: accepted.id };
  await until('the assessment to finish', async () => finished((await call('GET', `${a}/{id}`, { params })).body.status));
  await call('GET', `${a}/{id}/results`, { params });
  await call('GET', `${a}/{id}/results`, { params, query: 'explain=true&hazard=wildfire' });
  await call('GET', `${a}/{id}/results`, { params, query: 'view=summary' });
  await call('GET', `${a}/{id}/results`, { params, query: 'explain=true', headers: { accept: 'text/csv' } });
  await call('GET', `${a}/{id}/results`, { params, query: 'view=summary&explain=true' });
  await call('GET', `${a}/{id}/results/{siteId}/{scenario}/{year}/{hazard}`, { params: { ...params, siteId: 'contract', scenario: 'SSP245', year: '2050', hazard: 'typhoon' } });
  await call('GET', `${a}/{id}/results/{siteId}/{scenario}/{year}/{hazard}`, { params: { ...params, siteId: 'nobody', scenario: 'SSP245', year: '2050', hazard: 'typhoon' } });
  await call('GET', `${a}/{id}/sites`, { params });
  await call('GET', `${a}/{id}/sites`, { params, query: 'scenario=SSP245&year=2051&limit=1' });
  await call('GET', `${a}/{id}/sites`, { params, query: 'scenario=SSP585' });
  await call('GET', `${a}/{id}/sites/{siteId}`, { params: { ...params, siteId: 'contract' } });
  await call('GET', `${a}/{id}/sites/{siteId}`, { params: { ...params, siteId: 'nobody' } });
  await call('POST', `${a}/{id}/retry-failed`, { params });
  await call('POST', `${a}/{id}/cancel`, { params });
  const { body: long } = await call('POST', a, { json: { sites: [site('contract-long', 1)] }, headers: { 'idempotency-key': 'contract-long' } });
  await call('POST', `${a}/{id}/cancel`, { params: { id: long.id } });
  await call('GET', '/api/runs/{workflowId}', { params: { workflowId: accepted.id } });
  await call('GET', '/api/runs/{workflowId}', { params: { workflowId: 'no-such-run' } });
}

async function exerciseGridBatchesAndRegions(): Promise<void> {
  await ensureGridBatchSchedule(stack.temporal, stack.config.pipelines.risk);
  const small = await startGridBatch(stack, `contract-batch-${Date.now()}`, await firstGridPoints(stack, 2));
  await small.result();
  await call('GET', '/api/risk-batches/{id}', { params: { id: small.workflowId } });
  await call('GET', '/api/risk-batches/{id}', { params: { id: 'no-such-batch' } });
  await call('GET', '/api/risk-batches/{id}/chunks', { params: { id: small.workflowId } });
  await call('GET', '/api/regions');
  const maxDistanceKm = stack.config.pipelines.risk.assessment.maxGridDistanceKm;
  const located = await regionScores(stack.pool, { hazard: 'typhoon', scenario: 'SSP126', years: [2030], maxDistanceKm });
  await fillHazardResults(stack.pool, { gridIds: Object.values(located.grid).map((g) => g!.gridId), scenario: 'SSP126', hazard: 'typhoon', years: [2030] });
  await call('GET', '/api/regions/scores', { query: 'hazard=typhoon&scenario=SSP126&years=2030' });
  await call('GET', '/api/regions/scores', { query: 'hazard=typhoon&scenario=SSP126&years=2030,2030' });
  // Through the schedule, as a newcomer's first start or POST does: while it runs, missing scores are a 503 with its progress.
  const { body: triggered } = await call('POST', '/api/risk-batches');
  await call('POST', '/api/risk-batches');
  await call('GET', '/api/regions/scores', { query: 'hazard=wildfire&scenario=SSP585&years=2097' });
  await call('GET', '/api/risk-batches', { query: 'limit=5' });
  // Only the answers matter here; the batch over the whole grid is not this test's to finish.
  if (triggered.batchId) await stack.temporal.workflow.getHandle(triggered.batchId).terminate('contract test: only its answers were needed');
}

async function exerciseTranscriptions(): Promise<void> {
  const t = '/api/transcriptions';
  const form = () => {
    const f = new FormData();
    f.append('file', new Blob([wav(21)], { type: 'audio/wav' }), 'contract.wav');
    return f;
  };
  const { body: accepted } = await call('POST', t, { form: form(), headers: { 'idempotency-key': 'contract-stt' } });
  await call('POST', t, { form: form(), headers: { 'idempotency-key': 'contract-stt' } });
  const params = { id: accepted.id };
  await call('GET', `${t}/{id}/transcript`, { params });
  await until('the transcription to finish', async () => finished((await call('GET', `${t}/{id}`, { params })).body.status));
  await call('GET', `${t}/{id}/events`, { params });
  await call('GET', `${t}/{id}/transcript`, { params });
  await call('GET', `${t}/{id}/transcript`, { params, headers: { accept: 'text/plain' } });
  await call('GET', `${t}/{id}/transcript`, { params, query: 'format=srt' });
  await call('POST', `${t}/{id}/cancel`, { params });
}

async function exerciseEtl(): Promise<void> {
  const e = '/api/etl-jobs';
  const form = new FormData();
  const csv = `id,title,video_url\nv1,One,${host.url}${mediaPath('contract', 20_000)}\nv2,No URL,\n`;
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'videos.csv');
  const { body: accepted } = await call('POST', e, { form, headers: { 'idempotency-key': 'contract-etl' } });
  const params = { id: accepted.id };
  await until('the ETL job to finish', async () => finished((await call('GET', `${e}/{id}`, { params })).body.status));
  await call('GET', `${e}/{id}/videos`, { params });
  await call('GET', `${e}/{id}/rejections`, { params });
  await call('POST', `${e}/{id}/cancel`, { params });
}

async function exerciseModeration(): Promise<void> {
  const apiUrl = moderation.apiUrl;
  const m = '/api/moderation';
  const items = [
    { id: 'contract-ham', kind: 'review', text: '설명이 친절하고 예제가 실무랑 가까워서 좋았습니다', authorId: 'u-1' },
    { id: 'contract-spam', kind: 'blog', text: '무직자 대출 당일 승인 카톡 vip777 지금 바로 연락', authorId: 'u-2' },
  ];
  const { body: accepted } = await call('POST', `${m}/items`, { apiUrl, json: { items }, headers: { 'idempotency-key': 'contract-moderation' } });
  await call('POST', `${m}/items`, { apiUrl, json: { items: [{ id: 'x', kind: 'poem', text: '' }] } });
  const params = { id: accepted.id };
  await waitForBatch(moderation, accepted.id);
  await call('GET', `${m}/batches/{id}`, { apiUrl, params });
  await call('GET', `${m}/batches/{id}/items`, { apiUrl, params, query: 'verdict=block' });
  await call('POST', `${m}/batches/{id}/cancel`, { apiUrl, params });
  await call('GET', `${m}/items/{id}`, { apiUrl, params: { id: 'contract-spam' } });
  await call('GET', `${m}/items/{id}`, { apiUrl, params: { id: 'nobody' } });
  await call('GET', `${m}/review-queue`, { apiUrl });
  await call('POST', `${m}/items/{id}/feedback`, { apiUrl, params: { id: 'contract-spam' }, json: { label: 'spam', by: 'contract' } });
  await call('POST', `${m}/items/{id}/feedback`, { apiUrl, params: { id: 'contract-spam' }, json: { label: 'maybe' } });
  const { body: models } = await call('GET', `${m}/models`, { apiUrl });
  await call('GET', `${m}/models/{version}`, { apiUrl, params: { version: String(models.currentVersion) } });
  const { body: retrain } = await call('POST', `${m}/retrain`, { apiUrl });
  await waitForRetrain(moderation, retrain.retrainId);
  await call('GET', `${m}/retrains/{id}`, { apiUrl, params: { id: retrain.retrainId } });
}

async function exerciseCrawls(): Promise<void> {
  const site = await startSampleChallengeSite({ slowMs: 100, idPrefix: 'contract-' });
  const settings = stack.config.pipelines.feedback;
  try {
    await ensureCrawlSchedule(stack.temporal, { ...settings, crawler: { ...settings.crawler, tuning: { ...settings.crawler.tuning, seedUrls: [`${site.url}/`] } } });
    const { body: started } = await call('POST', '/api/crawls');
    await call('POST', '/api/crawls');
    await call('POST', '/api/crawls', { json: { seedUrls: ['http://169.254.169.254/'] } });
    const params = { id: started.id };
    await until('the crawl to finish', async () => finished((await call('GET', '/api/crawls/{id}', { params })).body.status));
    await call('GET', '/api/crawls/{id}', { params: { id: 'no-such-crawl' } });
    await call('GET', '/api/crawls', { query: 'limit=5' });
    await call('GET', '/api/challenges', { query: 'category=transport' });
    await call('GET', '/api/challenges/{id}', { params: { id: 'contract-bike-to-work' } });
    await call('GET', '/api/challenges/{id}', { params: { id: 'no-such-challenge' } });
  } finally {
    await stack.temporal.schedule.getHandle(settings.crawler.scheduleId).delete().catch(() => undefined);
    await site.stop();
  }
}

async function exerciseFeedbackJobs(): Promise<void> {
  const f = '/api/feedback-jobs';
  await insertChallenge(stack.pool, 'contract-tumbler');
  const job = { challengeId: 'contract-tumbler', submission: { text: 'I used my own tumbler at the office all week.' } };
  const { body: accepted } = await call('POST', f, { json: job, headers: { 'idempotency-key': 'contract-feedback' } });
  await call('POST', f, { json: { challengeId: 'contract-tumbler', submission: {} } });
  const params = { id: accepted.id };
  await call('GET', `${f}/{id}/result`, { params });
  await until('the feedback job to finish', async () => finished((await call('GET', `${f}/{id}`, { params })).body.status));
  await call('GET', `${f}/{id}/stream`, { params });
  await call('GET', `${f}/{id}/result`, { params });
  await call('POST', `${f}/{id}/cancel`, { params });
  await call('GET', `${f}/{id}`, { params: { id: 'feedback-no-such-job' } });
}

async function exerciseSystemCheck(): Promise<void> {
  const { body } = await call('POST', '/api/system-checks', { json: {} });
  await call('GET', '/api/system-checks/{id}', { params: { id: body.id } });
}

test('every documented operation answers as /openapi.json says', { timeout: 300_000 }, async () => {
  await exerciseRisk();
  await exerciseGridBatchesAndRegions();
  await exerciseTranscriptions();
  await exerciseEtl();
  await exerciseModeration();
  await exerciseCrawls();
  await exerciseFeedbackJobs();
  await exerciseSystemCheck();

  const doc = await fetchOpenApi(stack.apiUrl);
  const exercised = () => new Set(exchanges.map((x) => `${x.method} ${x.route}`));
  // Operations added after this test was written: a plain GET is called as it is.
  for (const operation of documentedOperations(doc).filter((op) => !exercised().has(op))) {
    const [method, route] = operation.split(' ');
    const required = (doc.paths[route][method.toLowerCase()].parameters ?? []).some((p: { required?: boolean }) => p.required);
    if (method === 'GET' && !required) await call(method, route);
  }

  const validate = contractValidator(doc);
  const problems = exchanges.flatMap(validate);
  assert.deepEqual(problems, [], `${problems.length} answer(s) differ from the document`);
  const missing = documentedOperations(doc).filter((op) => !exercised().has(op));
  assert.deepEqual(missing, [], 'documented operations this test never called: add an exercise for each');
  const statuses = new Set(exchanges.map((x) => x.status));
  for (const status of [200, 202, 400, 404, 409]) assert.ok(statuses.has(status), `some answer was a ${status}`);
  const types = new Set(exchanges.map((x) => x.contentType.split(';')[0]));
  for (const type of ['application/json', 'application/problem+json', 'text/csv', 'text/plain', 'application/x-subrip', 'text/event-stream']) {
    assert.ok(types.has(type), `some answer was ${type}`);
  }
});
