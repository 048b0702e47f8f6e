import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expectedSha256, mediaPath, startSampleVideoHost } from '../../../devtools/sample-video-host';
import { jobVideos, postCsv, waitForJob } from '../../support/etl';
import { startTestStack, testConfig, waitUntil } from '../../support/stack';
import { spawnWorker } from '../../support/worker-process';

describe('ETL at scale and through a crash', () => {
  test('a worker killed mid-transfer: the new worker resumes, the file is intact, no row is duplicated', { timeout: 180_000 }, async () => {
    const host = await startSampleVideoHost({ bandwidthBytesPerSecond: 1_000_000 });
    const env = { FETCH_ALLOW_HOSTS: '127.0.0.1:*' };
    const stack = await startTestStack({ config: testConfig(env), queues: false });
    const workerEnv = { ...env, STORAGE_DIR: stack.config.storage.rootDir };
    try {
      const first = spawnWorker(stack.config, ['--queue', 'etl'], workerEnv);
      const size = 6_000_000;
      const { body } = await postCsv(stack, `id,title,video_url\ncrash,Crash,${host.url}${mediaPath('crash', size)}\n`, 'kill-mid-transfer');
      await waitUntil('a third of the file served', async () => (host.admin.stats().bytesServed.byName.crash ?? 0) > size / 3, 60_000);
      first.child.kill('SIGKILL');
      await first.exited();
      const second = spawnWorker(stack.config, ['--queue', 'etl'], workerEnv);
      try {
        await waitForJob(stack, body.id, 'COMPLETED', 120_000);
      } finally {
        second.child.kill('SIGTERM');
        await second.exited();
      }
      const [video] = await jobVideos(stack, body.id);
      assert.equal(video.status, 'LOADED');
      assert.equal(video.sizeBytes, size);
      assert.equal(video.sha256, expectedSha256('crash', size));
      const { rows } = await stack.pool.query(`SELECT count(*)::int AS n FROM videos WHERE video_id = 'crash'`);
      assert.equal(rows[0].n, 1);
      assert.ok(host.admin.stats().rangeRequests.byName.crash?.starts.some((s: number) => s > 0), 'the new worker resumed with Range');
    } finally {
      await stack.stop();
      await host.stop();
    }
  });

  test('a 10,000-row CSV of tiny files completes', { timeout: 900_000 }, async () => {
    const host = await startSampleVideoHost();
    const stack = await startTestStack({
      config: testConfig({ FETCH_ALLOW_HOSTS: '127.0.0.1:*', ETL_CHUNK_SIZE: '250', ETL_CHUNKS_IN_FLIGHT: '4', ETL_VIDEOS_IN_FLIGHT: '8', ETL_MAX_ACTIVITIES: '32' }),
      queues: ['etl'],
    });
    try {
      const rows = Array.from({ length: 10_000 }, (_, i) => `t${i},Tiny ${i},${host.url}${mediaPath(`t${i}`, 64)}`);
      const started = Date.now();
      const { body } = await postCsv(stack, `id,title,video_url\n${rows.join('\n')}\n`, 'ten-thousand');
      const job = await waitForJob(stack, body.id, 'COMPLETED', 880_000);
      console.log(`10,000 videos in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      assert.deepEqual(job.counts, { total: 10_000, rejected: 0, pending: 0, downloaded: 0, failed: 0, loaded: 10_000 });
      const run = (await (await fetch(`${stack.apiUrl}/api/runs/${body.id}`)).json()) as any;
      assert.ok(run.historyLength < 1_000, `the job's own history stays small (${run.historyLength} events)`);
    } finally {
      await stack.stop();
      await host.stop();
    }
  });
});
