import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { expectedSha256, mediaPath, startSampleVideoHost, type SampleVideoHost } from '../../../devtools/sample-video-host';
import { getJob, jobVideos, postCsv, waitForJob } from '../../support/etl';
import { startTestStack, testConfig, type TestStack } from '../../support/stack';

describe('video ETL end to end', () => {
  let host: SampleVideoHost;
  let stack: TestStack;
  before(async () => {
    host = await startSampleVideoHost();
    stack = await startTestStack({ config: testConfig({ FETCH_ALLOW_HOSTS: '127.0.0.1:*', ETL_CHUNK_SIZE: '3' }), queues: ['etl'] });
  });
  after(async () => {
    await stack.stop();
    await host.stop();
  });

  const url = (path: string) => `${host.url}${path}`;

  test('a CSV with Korean headers, a BOM, CRLF, good and bad rows: counts, rejections, stored files', async () => {
    const playlist = url(`/playlists/lecture-3.asx?variant=mixed&target=${encodeURIComponent(mediaPath('lecture-3', 30_000))}`);
    const csv =
      '\uFEFF영상ID,제목,카테고리,강사,재생시간,게시일,영상URL\r\n' +
      `v1,"통계학, 1강",math,김교수,12:30,2021-03-04,${url(mediaPath('lecture-1', 100_000))}\r\n` +
      `v2,선형대수 2강,math,이교수,1시간 2분,2021.03.05,${url(mediaPath('lecture-2', 50_000))}\r\n` +
      `v3,재생목록 강의,media,박교수,5분,2021/03/06,${playlist}\r\n` +
      `v4,주소 없음,math,김교수,10:00,2021-03-07,\r\n` +
      `v5,날짜 오류,math,김교수,10:00,2021-02-30,${url(mediaPath('x', 10))}\r\n` +
      `v6,스크립트,math,김교수,10:00,2021-03-08,javascript:alert(1)\r\n` +
      `v7,파일,math,김교수,10:00,2021-03-08,file:///etc/passwd\r\n` +
      `v1,중복,math,김교수,10:00,2021-03-09,${url(mediaPath('dup', 10))}\r\n` +
      `v8,없는 파일,math,김교수,10:00,2021-03-10,${url('/status/404')}\r\n`;
    const { status, body } = await postCsv(stack, csv, 'korean-csv');
    assert.equal(status, 202, JSON.stringify(body));
    const job = await waitForJob(stack, body.id, 'COMPLETED');
    assert.deepEqual(job.counts, { total: 9, rejected: 5, pending: 0, downloaded: 0, failed: 1, loaded: 3 });

    const rejections = ((await (await fetch(`${stack.apiUrl}/api/etl-jobs/${body.id}/rejections`)).json()) as any).items;
    assert.deepEqual(rejections.map((r: any) => [r.rowNumber, r.column]), [[5, 'videoUrl'], [6, 'publishedAt'], [7, 'videoUrl'], [8, 'videoUrl'], [9, 'id']]);
    assert.match(rejections[4].reason, /duplicate id \(first seen on row 2\)/);

    const videos = await jobVideos(stack, body.id);
    const byId = Object.fromEntries(videos.map((v: any) => [v.videoId, v]));
    assert.equal(byId.v1.sha256, expectedSha256('lecture-1', 100_000));
    assert.equal(byId.v1.sizeBytes, 100_000);
    assert.equal(byId.v2.sha256, expectedSha256('lecture-2', 50_000));
    assert.equal(byId.v3.status, 'LOADED');
    assert.match(byId.v3.storageKey, /\.mp4$/);
    assert.equal(byId.v3.resolvedUrl, url(mediaPath('lecture-3', 30_000)));
    assert.equal(byId.v3.sha256, expectedSha256('lecture-3', 30_000));
    assert.equal(byId.v8.status, 'FAILED');
    assert.equal(byId.v8.attempts, 1);
    const { rows } = await stack.pool.query(`SELECT title, http_status FROM videos WHERE video_id = 'v8'`);
    assert.deepEqual(rows, [{ title: '없는 파일', http_status: 404 }]);
    const events = await stack.pool.query(`SELECT event FROM video_events WHERE job_id = $1 AND video_id = 'v3' ORDER BY id`, [body.id]);
    assert.deepEqual(events.rows.map((r) => r.event), ['resolved', 'download_started', 'downloaded', 'loaded']);
  });

  test('a connection reset at 60 % is resumed with a Range request, not restarted', async () => {
    const size = 4_000_000;
    host.admin.configure({ resetByName: { big: { afterBytes: 2_400_000, times: 1 } }, bandwidthBytesPerSecond: 2_000_000 });
    try {
      const csv = `id,title,video_url\nbig,Big lecture,${url(mediaPath('big', size))}\n`;
      const { body } = await postCsv(stack, csv, 'reset-resume');
      await waitForJob(stack, body.id, 'COMPLETED');
      const [video] = await jobVideos(stack, body.id);
      assert.equal(video.status, 'LOADED');
      assert.equal(video.sha256, expectedSha256('big', size));
      const stats = host.admin.stats();
      assert.equal(stats.resets.byName.big, 1);
      assert.ok(stats.rangeRequests.byName.big?.starts.some((s: number) => s > 0), 'the retry asked for a Range');
      assert.ok(stats.bytesServed.byName.big <= 1.1 * size, `served ${stats.bytesServed.byName.big} bytes for a ${size}-byte file`);
    } finally {
      host.admin.configure({ resetByName: {}, bandwidthBytesPerSecond: 0 });
    }
  });

  test('a host that answers the retry\'s Range with bytes from the start of the file: the video is downloaded again whole, not spliced', async () => {
    const size = 4_000_000;
    host.admin.configure({ resetByName: { misranged: { afterBytes: size / 2, times: 1 } }, rangeFrom: 'start' });
    try {
      const csv = `id,title,video_url\nmisranged,Misranged,${url(mediaPath('misranged', size))}\n`;
      const { body } = await postCsv(stack, csv, 'misranged-resume');
      await waitForJob(stack, body.id, 'COMPLETED');
      const [video] = await jobVideos(stack, body.id);
      assert.equal(video.status, 'LOADED');
      assert.equal(video.sha256, expectedSha256('misranged', size));
      assert.ok(host.admin.stats().rangeRequests.byName.misranged?.starts.some((s: number) => s > 0), 'the retry asked for a Range');
      const { rows } = await stack.pool.query(`SELECT detail FROM video_events WHERE job_id = $1 AND video_id = 'misranged' AND event = 'downloaded'`, [body.id]);
      assert.equal(rows.length, 1);
      assert.match(rows[0].detail.restartedBecause, /sent bytes from 0, not from \d+ as asked/);
      assert.equal(rows[0].detail.resumedFrom, 0);
    } finally {
      host.admin.configure({ resetByName: {}, rangeFrom: 'asked' });
    }
  });

  test('a file republished between a broken download and its retry, by a host that ignores If-Range: the new file is stored whole, not spliced onto the old', async () => {
    // The download breaks inside its quiet start, before any progress heartbeat: the failure itself
    // must tell the retry which file the stored bytes belong to.
    const size = 4_000_000;
    const versions = [{ etag: '"first-cut"', bytes: randomBytes(size) }, { etag: '"second-cut"', bytes: randomBytes(size) }];
    let served = versions[0];
    const server = http.createServer((req, res) => {
      const asked = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const headers = { etag: served.etag, 'content-type': 'video/mp4', 'accept-ranges': 'bytes' };
      if (req.method === 'HEAD') {
        res.writeHead(200, { ...headers, 'content-length': size }).end();
      } else if (asked) {
        const first = Number(asked[1]);
        res.writeHead(206, { ...headers, 'content-length': size - first, 'content-range': `bytes ${first}-${size - 1}/${size}` }).end(served.bytes.subarray(first));
      } else if (served === versions[0]) {
        res.writeHead(200, { ...headers, 'content-length': size });
        res.write(served.bytes.subarray(0, size / 2), () => {
          served = versions[1];
          res.destroy();
        });
      } else {
        res.writeHead(200, { ...headers, 'content-length': size }).end(served.bytes);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const { body } = await postCsv(stack, `id,title,video_url\nrepublished,Republished,http://127.0.0.1:${port}/republished.mp4\n`, 'republished-resume');
      await waitForJob(stack, body.id, 'COMPLETED');
      const [video] = await jobVideos(stack, body.id);
      assert.equal(video.status, 'LOADED');
      assert.equal(video.sha256, createHash('sha256').update(versions[1].bytes).digest('hex'));
      const { rows } = await stack.pool.query(`SELECT detail FROM video_events WHERE job_id = $1 AND video_id = 'republished' AND event = 'downloaded'`, [body.id]);
      assert.equal(rows.length, 1);
      assert.match(rows[0].detail.restartedBecause, /entity tag changed from "first-cut" to "second-cut"/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('small videos go several to a transfer activity; one whose download breaks there is transferred again on its own', async () => {
    const names = ['batch-1', 'batch-2', 'batch-3'];
    host.admin.configure({ resetByName: { 'batch-2': { afterBytes: 20_000, times: 1 } } });
    try {
      const csv = `id,title,video_url\n${names.map((n) => `${n},${n},${url(mediaPath(n, 50_000))}`).join('\n')}\n`;
      const { body } = await postCsv(stack, csv, 'batched-transfers');
      await waitForJob(stack, body.id, 'COMPLETED');
      const videos = await jobVideos(stack, body.id);
      assert.deepEqual(
        videos.map((v: any) => [v.videoId, v.status, v.sha256]),
        names.map((n) => [n, 'LOADED', expectedSha256(n, 50_000)]),
      );
      const history = await stack.temporal.workflow.getHandle(`${body.id}-chunk-0`).fetchHistory();
      const transfers = history.events!.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []).filter((name) => name.startsWith('transfer'));
      assert.deepEqual(transfers, ['transferVideos', 'transferVideo'], 'one activity for the three, one for the video it did not store');
      const events = await stack.pool.query(`SELECT event FROM video_events WHERE job_id = $1 AND video_id = 'batch-2' ORDER BY id`, [body.id]);
      assert.deepEqual(events.rows.map((r) => r.event), ['probed', 'download_started', 'download_failed', 'download_started', 'downloaded', 'loaded']);
      assert.equal(host.admin.stats().resets.byName['batch-2'], 1);
    } finally {
      host.admin.configure({ resetByName: {} });
    }
  });

  test('500 twice then 200 → loaded; the same CSV again with the same key → the same job', async () => {
    const csv = `id,title,video_url\nflaky,Flaky,${url('/flaky/flaky.mp4?size=20000&fail=2')}\n`;
    const first = await postCsv(stack, csv, 'flaky');
    await waitForJob(stack, first.body.id, 'COMPLETED');
    const [video] = await jobVideos(stack, first.body.id);
    assert.equal(video.status, 'LOADED');
    const again = await postCsv(stack, csv, 'flaky');
    assert.equal(again.status, 200);
    assert.equal(again.body.id, first.body.id);
  });

  test('re-running the input under a new key updates the video rows instead of duplicating them', async () => {
    const csv = `id,title,video_url\nrerun,First title,${url(mediaPath('rerun', 1000))}\n`;
    await waitForJob(stack, (await postCsv(stack, csv, 'rerun-a')).body.id, 'COMPLETED');
    const second = await postCsv(stack, csv.replace('First title', 'Second title'), 'rerun-b');
    await waitForJob(stack, second.body.id, 'COMPLETED');
    const { rows } = await stack.pool.query(`SELECT title, last_job_id FROM videos WHERE video_id = 'rerun'`);
    assert.deepEqual(rows, [{ title: 'Second title', last_job_id: second.body.id }]);
  });

  test('a CSV with an unbalanced quote fails at once, naming the line the broken record starts on', async () => {
    const csv = 'id,title,video_url\r\nq1,"multi\r\nline title",https://example.com/q1.mp4\r\nq2,"never closed,https://example.com/q2.mp4\r\n';
    const started = Date.now();
    const { body } = await postCsv(stack, csv, 'broken-quote');
    // A retried staging step would take 2 + 4 + 8 + 16 s of backoff before failing.
    const job = await waitForJob(stack, body.id, 'FAILED', 20_000);
    assert.match(job.error, /the CSV is malformed at line 4, field 2: unterminated quoted field/);
    assert.ok(Date.now() - started < 20_000);
  });

  test('a row the database cannot store is rejected with its reason; the other rows load', async () => {
    const csv =
      'id,title,duration,video_url\r\n' +
      `n1,fine,10,${url(mediaPath('nul-1', 1_000))}\r\n` +
      `n2,"bad\u0000title",10,${url(mediaPath('nul-2', 1_000))}\r\n` +
      // A safe integer for the row rules, past PostgreSQL's integer column.
      `n3,overflow,99999999999,${url(mediaPath('nul-3', 1_000))}\r\n` +
      `n4,also fine,10,${url(mediaPath('nul-4', 1_000))}\r\n`;
    const { status, body } = await postCsv(stack, csv, 'nul-title');
    assert.equal(status, 202, JSON.stringify(body));
    const job = await waitForJob(stack, body.id, 'COMPLETED');
    assert.deepEqual(job.counts, { total: 4, rejected: 2, pending: 0, downloaded: 0, failed: 0, loaded: 2 });
    const rejections = ((await (await fetch(`${stack.apiUrl}/api/etl-jobs/${body.id}/rejections`)).json()) as any).items;
    assert.deepEqual(rejections.map((r: any) => [r.rowNumber, r.column]), [[3, 'title'], [4, null]]);
    assert.match(rejections[0].reason, /title contains a NUL character/);
    assert.match(rejections[1].reason, /the database cannot store this row: .*out of range/);
    assert.deepEqual((await jobVideos(stack, body.id)).map((v: any) => [v.videoId, v.status]).sort(), [['n1', 'LOADED'], ['n4', 'LOADED']]);
  });

  test('an unknown job is 404', async () => {
    assert.equal((await getJob(stack, 'etl-nope')).status, 404);
  });
});

describe('video URLs are checked against SSRF', () => {
  test('loopback in any spelling, and a redirect to it, is refused; the host never receives a request', async () => {
    const host = await startSampleVideoHost();
    const redirector = await startSampleVideoHost();
    // Only the redirector's port is open: the video host on the same address is not.
    const stack = await startTestStack({ config: testConfig({ FETCH_ALLOW_HOSTS: `127.0.0.1:${new URL(redirector.url).port}` }), queues: ['etl'] });
    try {
      const port = new URL(host.url).port;
      const media = mediaPath('local', 100);
      const targets = [
        `${host.url}${media}`,
        `http://2130706433:${port}${media}`,
        `http://127.1:${port}${media}`,
        `http://0x7f000001:${port}${media}`,
        `http://localhost:${port}${media}`,
        `http://[::ffff:127.0.0.1]:${port}${media}`,
        'http://169.254.169.254/latest/meta-data',
        `${redirector.url}/redirect/2?to=${encodeURIComponent(`${host.url}${media}`)}`,
      ];
      const csv = `id,title,video_url\n${targets.map((t, i) => `v${i},T${i},${t}`).join('\n')}\n`;
      const { body } = await postCsv(stack, csv, 'ssrf');
      const job = await waitForJob(stack, body.id, 'COMPLETED');
      assert.equal(job.counts.failed, targets.length, JSON.stringify(job.counts));
      const videos = await jobVideos(stack, body.id);
      assert.ok(videos.every((v: any) => /not a public address|refused address/.test(v.error)), JSON.stringify(videos.map((v: any) => v.error)));
      assert.equal(host.admin.stats().requests.total, 0, 'the host was never contacted');
    } finally {
      await stack.stop();
      await host.stop();
      await redirector.stop();
    }
  });
});
