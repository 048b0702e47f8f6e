import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { expectedSha256, mediaPath, type SampleVideoHost } from '../../devtools/sample-video-host';
import type { ObjectStore } from '../../src/infra/storage';
import { CHAOS_VENDOR } from './chaos';
import { startPortfolio, startTranscriptions, type Apis } from './cluster-loads';
import { getJob, postCsv } from './etl';
import { api, postItems } from './moderation';
import { waitUntil } from './stack';
import { killWithEverySubmitRecorded, wav, type FakeVendor } from './stt';

/**
 * One workload per pipeline at the sizes issue 12 asks for, started together so that one kill
 * lands in the middle of all of them, and the checks that every run came through whole.
 */

export const SIZES = { sites: 20, transcriptions: 20, videos: 50, bigVideos: 3, items: 1_000 } as const;
/** The big videos are ≥ 20 MB; the rest are small so that 50 rows stay cheap. */
const BIG_VIDEO_BYTES = 20 * 1024 * 1024;
const SMALL_VIDEO_BYTES = 100_000;
/** Per response: a big video takes about 8 s, long enough to be cut by a kill and resumed with Range. */
export const CHAOS_HOST = { bandwidthBytesPerSecond: 2_500_000 } as const;

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** Reads the stored object back and checks it is byte for byte the source. */
export async function assertObjectWhole(store: ObjectStore, key: string, expected: { size: number; sha256: string }, what: string): Promise<void> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of await store.get(key)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  assert.deepEqual({ size, sha256: hash.digest('hex') }, expected, `${what} is stored whole`);
}

async function startEtl(apis: Apis, host: SampleVideoHost, key: string) {
  const videos = Array.from({ length: SIZES.videos }, (_, i) => ({ id: `${key}-v${i}`, size: i < SIZES.bigVideos ? BIG_VIDEO_BYTES : SMALL_VIDEO_BYTES }));
  const csv = `id,title,video_url\n${videos.map((v) => `${v.id},Video ${v.id},${host.url}${mediaPath(v.id, v.size)}`).join('\n')}\n`;
  const res = await postCsv(apis(0), csv, key);
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const id: string = res.body.id;
  return {
    id,
    loaded: async () => ((await getJob(apis(0), id)).counts?.loaded ?? 0) as number,
    async check(pool: Pool, store: ObjectStore) {
      const job = await getJob(apis(0), id);
      assert.equal(job.status, 'COMPLETED', JSON.stringify(job).slice(0, 500));
      const failed = await pool.query(`SELECT video_id, attempts, error FROM etl_job_videos WHERE job_id = $1 AND status <> 'LOADED'`, [id]);
      assert.deepEqual(job.counts, { total: SIZES.videos, rejected: 0, pending: 0, downloaded: 0, failed: 0, loaded: SIZES.videos }, JSON.stringify(failed.rows));
      const staged = await pool.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'LOADED')::int AS loaded FROM etl_job_videos WHERE job_id = $1`, [id]);
      assert.deepEqual(staged.rows[0], { n: SIZES.videos, loaded: SIZES.videos });
      const { rows } = await pool.query(`SELECT video_id, storage_key, size_bytes::int AS size, sha256 FROM videos WHERE video_id = ANY($1) ORDER BY video_id`, [videos.map((v) => v.id)]);
      assert.equal(rows.length, SIZES.videos, 'one catalogue row per video');
      for (const v of videos) {
        const row = rows.find((r) => r.video_id === v.id)!;
        const expected = { size: v.size, sha256: expectedSha256(v.id, v.size) };
        assert.deepEqual({ size: row.size, sha256: row.sha256 }, expected, `video ${v.id} as recorded`);
        await assertObjectWhole(store, row.storage_key, expected, `video ${v.id}`);
      }
      const input = await pool.query(`SELECT input_key FROM etl_jobs WHERE id = $1`, [id]);
      await assertObjectWhole(store, input.rows[0].input_key, { size: Buffer.byteLength(csv), sha256: sha256(csv) }, 'the ETL input');
    },
  };
}

async function startModeration(apis: Apis, key: string) {
  const texts = ['설명이 친절해요. 예제가 좋아요', 'Act now! crypto signals, telegram @win123', '강사 ㅅㅣ발 돈 아깝다', 'Great course, thanks'];
  const items = Array.from({ length: SIZES.items }, (_, i) => ({ id: `${key}-m${i}`, kind: 'review' as const, text: `${texts[i % texts.length]} #${i}` }));
  const res = await postItems(apis(0), items, key);
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const id: string = res.body.id;
  const view = async () => (await api(apis(0), 'GET', `/api/moderation/batches/${id}`)).body;
  return {
    id,
    classified: async () => {
      const v = await view();
      return (v.counts ? v.counts.total - v.counts.pending : 0) as number;
    },
    async check(pool: Pool) {
      const v = await view();
      assert.equal(v.status, 'COMPLETED', JSON.stringify(v).slice(0, 500));
      assert.equal(v.counts.pending, 0);
      const { rows } = await pool.query(
        `SELECT count(*)::int AS items, count(DISTINCT item_id)::int AS distinct_items, count(verdict)::int AS verdicts FROM moderation_items WHERE batch_id = $1`,
        [id],
      );
      assert.deepEqual(rows[0], { items: SIZES.items, distinct_items: SIZES.items, verdicts: SIZES.items });
    },
  };
}

export interface Progress {
  /** Risk cells computed, of 320 per site. */
  cells: number;
  submits: number;
  videos: number;
  items: number;
}

/** Every pipeline's workload at once, under one key. */
export async function startWorkloads(apis: Apis, host: SampleVideoHost, vendor: FakeVendor, key: string) {
  vendor.admin.reset();
  host.admin.reset();
  const [portfolio, transcriptions, etl, moderation] = await Promise.all([
    startPortfolio(apis, `${key}-risk`, SIZES.sites),
    startTranscriptions(apis, `${key}-stt`, SIZES.transcriptions),
    startEtl(apis, host, `${key}-etl`),
    startModeration(apis, `${key}-mod`),
  ]);
  const progress = async (): Promise<Progress> => ({
    cells: await portfolio.cellsDone(),
    submits: vendor.admin.stats().submits.total,
    videos: await etl.loaded(),
    items: await moderation.classified(),
  });
  return {
    progress,
    /** Waits until every pipeline has done some of its work; answers how far each got. */
    async underWay(): Promise<Progress> {
      return waitUntil('every pipeline to be under way', async () => {
        const p = await progress();
        return p.cells >= 320 && p.submits >= 1 && p.videos >= 1 && p.items >= 25 ? p : undefined;
      }, 120_000);
    },
    /** Runs `kill` at a moment when every upload the vendor accepted has its job id recorded (see killWithEverySubmitRecorded). */
    async killBetweenSubmits(pool: Pool, kill: () => Promise<void>): Promise<void> {
      await killWithEverySubmitRecorded(vendor, () => transcriptions.submitted(pool), kill);
    },
    /** That no pipeline had finished: the kill landed in the middle of each. */
    assertMidRun(p: Progress) {
      assert.ok(p.cells < SIZES.sites * 320 && p.submits < SIZES.transcriptions && p.videos < SIZES.videos && p.items < SIZES.items, `killed mid-run: ${JSON.stringify(p)}`);
    },
    /** Every run completes (answers when each did); then exactly the expected rows, one vendor submit per job, whole objects, no lease left. */
    async completes(pool: Pool, store: ObjectStore, timeoutMs = 300_000): Promise<string> {
      const started = Date.now();
      const timed = async (name: string, work: Promise<unknown>) => (await work, `${name} ${((Date.now() - started) / 1000).toFixed(1)} s`);
      const times = await Promise.all([
        timed('risk', portfolio.completes(pool, timeoutMs)),
        timed('stt', transcriptions.complete(vendor, pool, CHAOS_VENDOR.maxConcurrentJobs, timeoutMs)),
        timed('etl', waitUntil(`ETL job ${etl.id}`, async () => ['COMPLETED', 'FAILED', 'CANCELED'].includes((await getJob(apis(0), etl.id)).status), timeoutMs)),
        timed('moderation', waitUntil(`moderation batch ${moderation.id}`, async () => (await moderation.classified()) === SIZES.items, timeoutMs)),
      ]);
      assert.equal(vendor.admin.stats().submits.total, SIZES.transcriptions, 'one vendor submit per job, no more');
      const audio = await pool.query(`SELECT id, audio_key, size_bytes::int AS size, audio_sha256 FROM stt_jobs WHERE id = ANY($1) ORDER BY id`, [transcriptions.ids]);
      assert.equal(audio.rows.length, SIZES.transcriptions);
      for (const [i, id] of transcriptions.ids.entries()) {
        const bytes = wav(1_000 + i);
        const row = audio.rows.find((r) => r.id === id)!;
        assert.equal(row.audio_sha256, sha256(bytes));
        await assertObjectWhole(store, row.audio_key, { size: bytes.length, sha256: sha256(bytes) }, `the audio of ${id}`);
      }
      await etl.check(pool, store);
      await waitUntil(`moderation batch ${moderation.id} to be COMPLETED`, async () => (await api(apis(0), 'GET', `/api/moderation/batches/${moderation.id}`)).body.status === 'COMPLETED', 30_000);
      await moderation.check(pool);
      return times.join(', ');
    },
  };
}
