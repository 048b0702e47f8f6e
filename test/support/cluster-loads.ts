import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import { expectedSha256, mediaPath, type SampleVideoHost } from '../../devtools/sample-video-host';
import { getJob, jobVideos, postCsv } from './etl';
import { getAssessment, postAssessment, resultCount, site } from './risk';
import { waitUntil } from './stack';
import { getTranscription, upload, wav, type FakeVendor } from './stt';

/** Where requests go: API process `i % n` for the i-th request, so the two APIs take turns. */
export type Apis = (i: number) => { apiUrl: string };

const ENDED = ['COMPLETED', 'FAILED', 'CANCELED', 'TERMINATED', 'TIMED_OUT'];

/** Polls through the APIs in turn until `status` is final; a final status other than COMPLETED fails. */
async function untilCompleted(what: string, apis: Apis, read: (api: { apiUrl: string }) => Promise<any>, timeoutMs: number): Promise<any> {
  let turn = 0;
  return waitUntil(
    what,
    async () => {
      const view = await read(apis(turn++));
      if (view.status === 'COMPLETED') return view;
      if (ENDED.includes(view.status)) throw new Error(`${what} ended ${view.status}: ${JSON.stringify(view).slice(0, 500)}`);
      await sleep(400);
      return undefined;
    },
    timeoutMs,
  );
}

/** The id a start route answered with, after checking it started something new. */
function acceptedId(res: { status: number; body: any }): string {
  assert.equal(res.status, 202, JSON.stringify(res.body));
  return res.body.id;
}

/** A portfolio of `sites` sites: 320 cells and 2,880 result rows each. */
export async function startPortfolio(apis: Apis, key: string, sites: number, via = 0) {
  const body = { sites: Array.from({ length: sites }, (_, i) => site(`${key}-${i}`, i)) };
  const started = performance.now();
  const id = acceptedId(await postAssessment(apis(via), body, key));
  return {
    id,
    sitesDone: async () => ((await getAssessment(apis(0), id)).progress?.sitesDone ?? 0) as number,
    cellsDone: async () => ((await getAssessment(apis(0), id)).progress?.completedCells ?? 0) as number,
    /** Waits for COMPLETED, checks every row, and answers the seconds since the POST. */
    async completes(pool: Pool, timeoutMs = 300_000): Promise<number> {
      const view = await untilCompleted(`portfolio ${id}`, apis, (api) => getAssessment(api, id), timeoutMs);
      const seconds = (performance.now() - started) / 1000;
      assert.equal(view.progress.sitesDone, sites);
      assert.equal(view.progress.completedCells, sites * 320);
      assert.equal(view.progress.failedCells, 0);
      assert.deepEqual(await resultCount({ pool }, id), { rows: sites * 2880, distinct: sites * 2880 });
      return seconds;
    },
  };
}

/** `count` uploads, alternating between the APIs, each a different audio file. */
export async function startTranscriptions(apis: Apis, prefix: string, count: number) {
  const ids = await Promise.all(
    Array.from({ length: count }, async (_, i) => acceptedId(await upload(apis(i), { bytes: wav(1_000 + i), name: `${prefix}-${i}.wav` }, { key: `${prefix}-${i}` }))),
  );
  return {
    ids,
    /** Jobs whose vendor job id is recorded: the vendor accepted them and the system knows it. */
    async submitted(pool: Pool): Promise<number> {
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM stt_jobs WHERE id = ANY($1) AND vendor_job_id IS NOT NULL`, [ids]);
      return rows[0].n;
    },
    /** Waits for every job, then checks: one vendor submit each, the account limit kept, no slot lease left. */
    async complete(vendor: FakeVendor, pool: Pool, accountLimit: number, timeoutMs = 300_000): Promise<void> {
      for (const id of ids) await untilCompleted(`transcription ${id}`, apis, (api) => getTranscription(api, id), timeoutMs);
      const stats = vendor.admin.stats();
      for (const id of ids) assert.equal(stats.submits.byFilename[`${id}.wav`], 1, `${id} was submitted to the vendor exactly once`);
      assert.ok(stats.maxConcurrentJobsObserved <= accountLimit, `at most ${accountLimit} vendor jobs at once (saw ${stats.maxConcurrentJobsObserved})`);
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM vendor_slots`);
      assert.equal(rows[0].n, 0, 'every slot lease was released');
      const done = await pool.query(`SELECT count(*)::int AS n FROM stt_jobs WHERE id = ANY($1) AND status = 'COMPLETED'`, [ids]);
      assert.equal(done.rows[0].n, count);
    },
  };
}

/** One ETL job of `count` videos of `sizeBytes` each from the sample host. */
export async function startEtlJob(apis: Apis, host: SampleVideoHost, key: string, count: number, sizeBytes = 64_000, via = 1) {
  const names = Array.from({ length: count }, (_, i) => `${key}-${i}`);
  const csv = `id,title,video_url\n${names.map((n) => `${n},Video ${n},${host.url}${mediaPath(n, sizeBytes)}`).join('\n')}\n`;
  const id = acceptedId(await postCsv(apis(via), csv, key));
  return {
    id,
    loaded: async () => ((await getJob(apis(0), id)).counts?.loaded ?? 0) as number,
    /** Waits for COMPLETED, then checks one intact row per video. */
    async completes(pool: Pool, timeoutMs = 300_000): Promise<void> {
      const job = await untilCompleted(`ETL job ${id}`, apis, (api) => getJob(api, id), timeoutMs);
      assert.deepEqual(job.counts, { total: count, rejected: 0, pending: 0, downloaded: 0, failed: 0, loaded: count });
      const videos = await jobVideos(apis(1), id);
      assert.equal(videos.length, count);
      for (const v of videos) assert.equal(v.sha256, expectedSha256(v.videoId, sizeBytes), `video ${v.videoId} is intact`);
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM videos WHERE video_id = ANY($1)`, [names]);
      assert.equal(rows[0].n, count, 'one row per video');
    },
  };
}
