import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ASX_VARIANTS, expectedResolution, expectedSha256, mediaPath, startSampleVideoHost, type SampleVideoHost } from '../../../devtools/sample-video-host';
import { LocalObjectStore } from '../../../src/infra/storage';
import { jobVideos, postCsv, waitForJob } from '../../support/etl';
import { startTestStack, testConfig, type TestStack } from '../../support/stack';

/**
 * Every spelling of `.asx` the sample host serves (devtools/sample-video-host/asx.ts), through
 * the whole pipeline over HTTP: the playlist resolves to its target, which is what gets stored.
 */
describe('.asx playlists resolve to their media', () => {
  let host: SampleVideoHost;
  let stack: TestStack;
  before(async () => {
    host = await startSampleVideoHost();
    stack = await startTestStack({ config: testConfig({ FETCH_ALLOW_HOSTS: '127.0.0.1:*' }), queues: ['etl'] });
  });
  after(async () => {
    await stack.stop();
    await host.stop();
  });

  test('case variants, entity-escaped hrefs and several entries: resolved URL recorded, .mp4 stored with its size and sha256', async () => {
    const playlist = (name: string, variant: string, target: string) => `/playlists/${name}.asx?variant=${variant}&target=${encodeURIComponent(target)}`;
    const cases = [
      ...ASX_VARIANTS.map((variant, i) => ({ id: `asx-${variant}`, name: `lecture-${variant}`, variant, size: 40_000 + i * 1_111, path: playlist })),
      // The extension in capitals, and a playlist only reached through redirects (known by its final URL).
      { id: 'asx-caps-extension', name: 'LECTURE-CAPS', variant: 'upper', size: 33_333, path: (n: string, v: string, t: string) => playlist(n, v, t).replace('.asx', '.ASX') },
      { id: 'asx-redirected', name: 'lecture-moved', variant: 'multi', size: 22_222, path: (n: string, v: string, t: string) => `/redirect/2?to=${encodeURIComponent(playlist(n, v, t))}` },
    ];
    const rows = cases.map((c) => `${c.id},${c.name},${host.url}${c.path(c.name, c.variant, mediaPath(c.name, c.size))}`);
    const { body } = await postCsv(stack, `id,title,video_url\n${rows.join('\n')}\n`, 'asx-variants');
    const job = await waitForJob(stack, body.id, 'COMPLETED');
    assert.deepEqual(job.counts, { total: cases.length, rejected: 0, pending: 0, downloaded: 0, failed: 0, loaded: cases.length });

    const videos = Object.fromEntries((await jobVideos(stack, body.id)).map((v: any) => [v.videoId, v]));
    const store = new LocalObjectStore(stack.config.storage.rootDir);
    for (const c of cases) {
      const video = videos[c.id];
      const target = `${host.url}${mediaPath(c.name, c.size)}`;
      const expected = expectedResolution(c.variant as (typeof ASX_VARIANTS)[number], { target, alternate: '', missing: '' });
      assert.equal(video.resolvedUrl, expected, c.id);
      assert.equal(video.storageKey, `etl/${body.id}/${c.id}.mp4`, c.id);
      assert.equal(video.sizeBytes, c.size, c.id);
      assert.equal(video.sha256, expectedSha256(c.name, c.size), c.id);
      const stored = await store.head(video.storageKey);
      assert.deepEqual([stored?.size, stored?.sha256], [c.size, expectedSha256(c.name, c.size)], `${c.id}: the stored object`);
      assert.equal(host.admin.stats().bytesServed.byName[`${c.name}-alternate`], undefined, `${c.id}: the fallback clip was not downloaded`);
    }

    const { rows: events } = await stack.pool.query(`SELECT video_id, detail FROM video_events WHERE job_id = $1 AND event = 'resolved' ORDER BY video_id`, [body.id]);
    assert.deepEqual(events.map((e) => e.video_id).sort(), cases.map((c) => c.id).sort(), 'every playlist was logged as resolved');
    const skipped = Object.fromEntries(events.map((e) => [e.video_id, e.detail.skipped ?? []]));
    // The multi variant lists a 404 first: skipped (and recorded as such), not a failure of the video.
    for (const id of ['asx-multi', 'asx-redirected']) {
      assert.equal(skipped[id].length, 1, id);
      assert.match(skipped[id][0], /status\/404\/.*-missing\.mp4: .*HTTP 404/, id);
    }
    for (const id of ['asx-upper', 'asx-lower', 'asx-mixed', 'asx-entities', 'asx-caps-extension']) assert.deepEqual(skipped[id], [], id);
  });

  test('an entry that answers 500 is asked again, not passed over for the fallback clip', async () => {
    const target = '/flaky/hiccup.mp4?size=12345&fail=1';
    const csv = `id,title,video_url\nhiccup,Hiccup,${host.url}/playlists/hiccup.asx?variant=lower&target=${encodeURIComponent(target)}\n`;
    const { body } = await postCsv(stack, csv, 'asx-hiccup');
    await waitForJob(stack, body.id, 'COMPLETED');
    const [video] = await jobVideos(stack, body.id);
    assert.equal(video.status, 'LOADED');
    assert.equal(video.resolvedUrl, `${host.url}${target}`);
    assert.equal(video.sha256, expectedSha256('hiccup', 12_345));
    assert.equal(host.admin.stats().bytesServed.byName['hiccup-alternate'], undefined);
  });
});
