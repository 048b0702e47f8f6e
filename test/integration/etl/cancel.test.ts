import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { expectedSha256, mediaPath, startSampleVideoHost } from '../../../devtools/sample-video-host';
import { LocalObjectStore } from '../../../src/infra/storage';
import { getJob, jobVideos, postCsv, waitForJob } from '../../support/etl';
import { startTestStack, testConfig, waitUntil } from '../../support/stack';

/** Names of media files the host has sent body bytes of. */
const namesServed = (stats: { bytesServed: { byName: Record<string, number> } }) => Object.keys(stats.bytesServed.byName).sort();

describe('cancelling an ETL job', () => {
  test('POST …/cancel mid-job: CANCELED, no transfer starts after it, loaded videos stay, nothing half-written', { timeout: 180_000 }, async () => {
    // Large files trickle for 16 s each, longer than a cancellation takes to reach a download
    // (the worker passes heartbeats on every 12 s), so the running one is stopped mid-file.
    const host = await startSampleVideoHost({ bandwidthBytesPerSecond: 500_000 });
    // One download per host at a time and two transfers in flight: the second waits at the worker.
    const env = { FETCH_ALLOW_HOSTS: '127.0.0.1:*', ETL_CHUNK_SIZE: '50', ETL_VIDEOS_IN_FLIGHT: '2', ETL_CONNECTIONS_PER_HOST: '1' };
    const stack = await startTestStack({ config: testConfig(env), queues: ['etl'] });
    try {
      const small = Array.from({ length: 4 }, (_, i) => ({ id: `s${i}`, size: 20_000 + i }));
      const large = Array.from({ length: 8 }, (_, i) => ({ id: `l${i}`, size: 8_000_000 + i }));
      const sizes = Object.fromEntries([...small, ...large].map((v) => [v.id, v.size]));
      const rows = [...small, ...large].map((v) => `${v.id},Video ${v.id},${host.url}${mediaPath(v.id, v.size)}`);
      const { body } = await postCsv(stack, `id,title,video_url\n${rows.join('\n')}\n`, 'cancel-mid-job');
      // l0 and l1 reach the worker together, and either may take the one connection first.
      let running = '';
      await waitUntil('the small videos loaded and a large one downloading', async () => {
        const job = await getJob(stack, body.id);
        const largeServed = namesServed(host.admin.stats()).filter((name) => name.startsWith('l'));
        running = largeServed.length === 1 ? largeServed[0] : '';
        return job.counts?.loaded === small.length && running !== '';
      }, 60_000);
      const startedBeforeCancel = [running, ...small.map((v) => v.id)].sort();
      const servedAtCancel = namesServed(host.admin.stats());
      const loadedBefore = (await jobVideos(stack, body.id)).filter((v: any) => v.status === 'LOADED').map((v: any) => v.videoId);

      const cancel = await fetch(`${stack.apiUrl}/api/etl-jobs/${body.id}/cancel`, { method: 'POST' });
      assert.equal(cancel.status, 202);
      const canceled = await waitForJob(stack, body.id, 'CANCELED', 90_000);
      const servedWhenCanceled = host.admin.stats().bytesServed.total;
      await sleep(2_000);

      // No transfer started after the cancel, and none is still running now that the job says CANCELED.
      assert.deepEqual(servedAtCancel, startedBeforeCancel);
      assert.deepEqual(namesServed(host.admin.stats()), servedAtCancel);
      assert.equal(host.admin.stats().bytesServed.total, servedWhenCanceled, 'no bytes flowed after CANCELED');
      assert.ok((host.admin.stats().bytesServed.byName[running] ?? 0) < sizes[running], 'the running download was stopped part-way');
      const { rows: started } = await stack.pool.query(`SELECT DISTINCT video_id FROM video_events WHERE job_id = $1 AND event = 'download_started' ORDER BY 1`, [body.id]);
      assert.deepEqual(started.map((r) => r.video_id), startedBeforeCancel);

      // Counts are final and add up; the videos loaded before the cancel are loaded still.
      assert.deepEqual(canceled.counts, { total: 12, rejected: 0, pending: 8, downloaded: 0, failed: 0, loaded: 4 });
      assert.deepEqual((await getJob(stack, body.id)).counts, canceled.counts);
      const videos = await jobVideos(stack, body.id);
      assert.deepEqual(videos.filter((v: any) => v.status === 'LOADED').map((v: any) => v.videoId), loadedBefore);
      const { rows: catalogue } = await stack.pool.query(`SELECT video_id FROM videos WHERE last_job_id = $1 ORDER BY video_id`, [body.id]);
      assert.deepEqual(catalogue.map((r) => r.video_id), [...loadedBefore].sort());
      const { rows: jobRow } = await stack.pool.query(`SELECT status, finished_at FROM etl_jobs WHERE id = $1`, [body.id]);
      assert.equal(jobRow[0].status, 'CANCELED');
      assert.ok(jobRow[0].finished_at);

      // Nothing half-written: no partial left behind, and the only objects are whole loaded videos.
      const dir = path.join(stack.config.storage.rootDir, 'etl', body.id);
      const files = (await fsp.readdir(dir)).sort();
      assert.deepEqual(files.filter((f) => !f.endsWith('.meta.json')), loadedBefore.map((id: string) => `${id}.mp4`).sort());
      const store = new LocalObjectStore(stack.config.storage.rootDir);
      for (const video of videos.filter((v: any) => v.status === 'LOADED')) {
        const stored = await store.head(video.storageKey);
        assert.deepEqual([stored?.size, stored?.sha256], [sizes[video.videoId], expectedSha256(video.videoId, sizes[video.videoId])], video.videoId);
      }
    } finally {
      await stack.stop();
      await host.stop();
    }
  });
});
