import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Dispatcher } from 'undici';
import { expectedSha256, generateBytes, mediaPath, startSampleVideoHost, type SampleVideoHost } from '../../../devtools/sample-video-host';
import { OVERLAP_BYTES } from '../../../src/activities/shared/open-continuing';
import { transferToStorage, type TransferResult } from '../../../src/activities/shared/transfer-to-storage';
import { RemoteFetchError } from '../../../src/infra/http/fetch-remote';
import { parseAllowEntry } from '../../../src/infra/http/allowlist';
import { createGuardedAgent } from '../../../src/infra/http/guarded-agent';
import { LocalObjectStore } from '../../../src/infra/storage';

const SIZE = 3 * 1024 * 1024;
const allowEndpoints = [parseAllowEntry('127.0.0.1:*')!];
const transferDeps = (store: LocalObjectStore, dispatcher: Dispatcher) => ({
  store,
  fetch: { allowEndpoints, maxRedirects: 2, timeoutMs: 10_000, deadlineMs: 60_000 },
  dispatcher,
  maxBytes: 10 * SIZE,
  contentType: 'video/mp4',
});

describe('transferToStorage: where an attempt starts', () => {
  let host: SampleVideoHost;
  let root: string;
  let store: LocalObjectStore;
  const dispatcher = createGuardedAgent({ allow: allowEndpoints });
  const deps = () => transferDeps(store, dispatcher);

  before(async () => {
    host = await startSampleVideoHost();
    root = await mkdtemp(path.join(os.tmpdir(), 'dp-transfer-'));
    store = new LocalObjectStore(root);
  });
  after(async () => {
    await dispatcher.close();
    await host.stop();
    await rm(root, { recursive: true, force: true });
  });

  test('a first attempt downloads from the first byte, whatever partial lies under its key', async () => {
    const name = 'first-attempt';
    // Bytes that are not the file's: resuming after them would store a corrupt object.
    await store.appendPartial('videos/first', Readable.from([Buffer.alloc(64 * 1024, 7)]), { offset: 0 });
    const result: TransferResult = await new MockActivityEnvironment({ attempt: 1 }).run(() => transferToStorage(deps(), `${host.url}${mediaPath(name, SIZE)}`, 'videos/first'));
    assert.equal(result.resumedFrom, 0);
    assert.equal(result.size, SIZE);
    assert.equal(result.sha256, expectedSha256(name, SIZE));
    assert.equal((await store.head('videos/first'))?.sha256, expectedSha256(name, SIZE));
  });

  test('a retry resumes from its partial, no further than its last heartbeat', async () => {
    const name = 'retried';
    const stored = 1024 * 1024;
    await store.appendPartial('videos/retried', Readable.from([generateBytes(name, 0, stored)]), { offset: 0 });
    const heartbeatDetails = { bytes: stored / 2 };
    const result: TransferResult = await new MockActivityEnvironment({ attempt: 2, heartbeatDetails }).run(() =>
      transferToStorage(deps(), `${host.url}${mediaPath(name, SIZE)}`, 'videos/retried'),
    );
    assert.equal(result.resumedFrom, stored / 2);
    assert.equal(result.httpStatus, 206);
    assert.equal(result.sha256, expectedSha256(name, SIZE));
  });

  test('a retry whose partial already holds the whole file: named by a validator, it starts over on the 416 its Range draws; unnamed, its compared last bytes leave nothing to fetch', async () => {
    // An attempt stopped between the file's last byte and publishing it (a worker killed) leaves this.
    const name = 'whole-partial';
    const url = `${host.url}${mediaPath(name, SIZE)}`;
    const source = { etag: (await fetch(url, { method: 'HEAD' })).headers.get('etag')!, size: SIZE };
    await store.appendPartial('videos/whole', Readable.from([generateBytes(name, 0, SIZE)]), { offset: 0 });
    const result: TransferResult = await new MockActivityEnvironment({ attempt: 2, heartbeatDetails: { bytes: SIZE, source } }).run(() => transferToStorage(deps(), url, 'videos/whole'));
    assert.equal(result.resumedFrom, 0);
    assert.equal(result.httpStatus, 200);
    assert.equal(result.size, SIZE);
    assert.equal(result.sha256, expectedSha256(name, SIZE));
    assert.ok(host.admin.stats().rangeRequests.byName[name]?.starts.includes(SIZE), 'the retry asked for the bytes after its partial first');

    // Without a recorded validator the retry asks for its last bytes again to compare them: found the same, nothing is left to download.
    await store.appendPartial('videos/whole-unnamed', Readable.from([generateBytes(name, 0, SIZE)]), { offset: 0 });
    const unnamed: TransferResult = await new MockActivityEnvironment({ attempt: 2 }).run(() => transferToStorage(deps(), url, 'videos/whole-unnamed'));
    assert.deepEqual([unnamed.resumedFrom, unnamed.httpStatus, unnamed.size, unnamed.sha256], [SIZE, 206, SIZE, expectedSha256(name, SIZE)]);
  });
});

describe('transferToStorage: heartbeats', () => {
  let root: string;
  const dispatcher = createGuardedAgent({ allow: allowEndpoints });

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'dp-transfer-beats-'));
  });
  after(async () => {
    await dispatcher.close();
    await rm(root, { recursive: true, force: true });
  });

  /** Runs one transfer from `host` and returns when each heartbeat came (ms after the start) and what it said. */
  async function beatsOf(host: SampleVideoHost, name: string, size: number, info: { heartbeatTimeoutMs?: number }) {
    const env = new MockActivityEnvironment({ attempt: 1, ...info });
    const beats: Array<{ atMs: number; bytes: number }> = [];
    const started = Date.now();
    env.on('heartbeat', (details: { bytes: number; source?: { etag?: string; size?: number } }) => {
      beats.push({ atMs: Date.now() - started, bytes: details.bytes });
      // What a retry needs to ask for the rest of this same file (If-Range) and to check it got it.
      assert.deepEqual({ size: details.source?.size, etag: typeof details.source?.etag }, { size, etag: 'string' });
    });
    const result: TransferResult = await env.run(() => transferToStorage(transferDeps(new LocalObjectStore(root), dispatcher), `${host.url}${mediaPath(name, size)}`, `videos/${name}`));
    assert.equal(result.sha256, expectedSha256(name, size));
    return beats;
  }

  test('a transfer that ends within its quiet start sends none; a longer one reports the offset it reached, growing, after it', { timeout: 60_000 }, async () => {
    const fast = await startSampleVideoHost();
    // 1.6 MB at 400 KB/s: about 4 s, twice the 2 s quiet start a 6 s heartbeat timeout gives.
    const slow = await startSampleVideoHost({ bandwidthBytesPerSecond: 400_000 });
    try {
      assert.deepEqual(await beatsOf(fast, 'quick', SIZE, { heartbeatTimeoutMs: 6_000 }), []);
      const size = 1_600_000;
      const beats = await beatsOf(slow, 'trickling', size, { heartbeatTimeoutMs: 6_000 });
      assert.ok(beats.length >= 1, 'a 4 s transfer heartbeats after its 2 s quiet start');
      assert.ok(beats[0].atMs >= 2_000, `first heartbeat at ${beats[0].atMs} ms, inside the quiet start`);
      for (const [i, beat] of beats.entries()) {
        assert.ok(beat.bytes > (beats[i - 1]?.bytes ?? 0) && beat.bytes <= size, `heartbeat ${i} reported ${beat.bytes} bytes`);
      }
    } finally {
      await fast.stop();
      await slow.stop();
    }
  });

  test('a download that breaks inside its quiet start says, with its failure, how far it got and in which file; its retry resumes there', async () => {
    const name = 'broken-early';
    const host = await startSampleVideoHost({ resetByName: { [name]: { afterBytes: SIZE / 3, times: 1 } } });
    const store = new LocalObjectStore(root);
    const url = `${host.url}${mediaPath(name, SIZE)}`;
    try {
      const first = new MockActivityEnvironment({ attempt: 1, heartbeatTimeoutMs: 60_000 });
      const beats: Array<{ bytes: number; source?: { etag?: string; size?: number } }> = [];
      first.on('heartbeat', (details: (typeof beats)[number]) => beats.push(details));
      await assert.rejects(first.run(() => transferToStorage(transferDeps(store, dispatcher), url, `videos/${name}`)));
      assert.equal(beats.length, 1, 'one heartbeat, sent with the failure');
      const [said] = beats;
      assert.ok(said.bytes > 0 && said.bytes <= SIZE / 3, `reported ${said.bytes} bytes of the ${SIZE / 3} sent`);
      assert.deepEqual({ size: said.source?.size, etag: typeof said.source?.etag }, { size: SIZE, etag: 'string' });

      const retried: TransferResult = await new MockActivityEnvironment({ attempt: 2, heartbeatDetails: said }).run(() =>
        transferToStorage(transferDeps(store, dispatcher), url, `videos/${name}`),
      );
      assert.ok(retried.resumedFrom > 0 && retried.resumedFrom <= said.bytes, `resumed from ${retried.resumedFrom}`);
      assert.deepEqual([retried.httpStatus, retried.sha256], [206, expectedSha256(name, SIZE)]);
    } finally {
      await host.stop();
    }
  });
});

/** A host of our own making, for answers the sample host never gives; `serve` answers every request. */
async function startHost(serve: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<{ url: string; requests: http.IncomingHttpHeaders[]; stop(): Promise<void> }> {
  const requests: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.headers);
    serve(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/video.mp4`, requests, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Serves `bytes` as a file with this entity tag (none if undefined), honouring a single `bytes=N-` Range and ignoring If-Range. */
function rangeServer(bytes: Buffer, etag: string | undefined) {
  const tag = etag === undefined ? {} : { etag };
  return (req: http.IncomingMessage, res: http.ServerResponse) => {
    const asked = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (!asked) {
      res.writeHead(200, { ...tag, 'content-length': bytes.length }).end(bytes);
      return;
    }
    const first = Number(asked[1]);
    res.writeHead(206, { ...tag, 'content-length': bytes.length - first, 'content-range': `bytes ${first}-${bytes.length - 1}/${bytes.length}` }).end(bytes.subarray(first));
  };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('transferToStorage: a retry resumes the same file or none', () => {
  let root: string;
  let store: LocalObjectStore;
  const dispatcher = createGuardedAgent({ allow: allowEndpoints });
  const deps = () => transferDeps(store, dispatcher);
  const stored = 1024 * 1024;

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'dp-transfer-same-'));
    store = new LocalObjectStore(root);
  });
  after(async () => {
    await dispatcher.close();
    await rm(root, { recursive: true, force: true });
  });

  test('a retry asks for the rest with If-Range naming the file its first attempt began; the host sends the whole file once it changed', async () => {
    const host = await startSampleVideoHost();
    try {
      const name = 'republished';
      const url = `${host.url}${mediaPath(name, SIZE)}`;
      const firstBytes = () => Readable.from([generateBytes(name, 0, stored)]);
      const begun: TransferResult = await new MockActivityEnvironment({ attempt: 1 }).run(() => transferToStorage(deps(), url, 'videos/begun'));
      const etag = (await fetch(url, { method: 'HEAD' })).headers.get('etag')!;
      assert.equal(begun.sha256, expectedSha256(name, SIZE));

      await store.appendPartial('videos/same', firstBytes(), { offset: 0 });
      const same: TransferResult = await new MockActivityEnvironment({ attempt: 2, heartbeatDetails: { bytes: stored, source: { etag, size: SIZE } } }).run(() =>
        transferToStorage(deps(), url, 'videos/same'),
      );
      assert.deepEqual([same.resumedFrom, same.httpStatus, same.restartedBecause], [stored, 206, undefined]);
      assert.equal(same.sha256, expectedSha256(name, SIZE));

      // The tag of a version the host no longer serves: its If-Range no longer matches, so it ignores the Range.
      await store.appendPartial('videos/changed', firstBytes(), { offset: 0 });
      const changed: TransferResult = await new MockActivityEnvironment({ attempt: 2, heartbeatDetails: { bytes: stored, source: { etag: '"an-earlier-version"', size: SIZE } } }).run(() =>
        transferToStorage(deps(), url, 'videos/changed'),
      );
      assert.deepEqual([changed.resumedFrom, changed.httpStatus], [0, 200]);
      assert.match(changed.restartedBecause ?? '', /whole file, not the rest from 1048576/);
      assert.equal(changed.sha256, expectedSha256(name, SIZE));
      assert.equal((await store.head('videos/changed'))?.sha256, expectedSha256(name, SIZE));
    } finally {
      await host.stop();
    }
  });

  test('a host that ignores If-Range and sends the rest of a file that changed size is not spliced onto the old bytes', async () => {
    const now = Buffer.alloc(SIZE + 4096, 3);
    const host = await startHost(rangeServer(now, '"v2"'));
    try {
      await store.appendPartial('videos/grown', Readable.from([Buffer.alloc(stored, 1)]), { offset: 0 });
      const result: TransferResult = await new MockActivityEnvironment({ attempt: 2, heartbeatDetails: { bytes: stored, source: { etag: '"v1"', size: SIZE } } }).run(() =>
        transferToStorage(deps(), host.url, 'videos/grown'),
      );
      assert.equal(host.requests[0]['if-range'], '"v1"', 'the retry named the file it had begun');
      assert.match(result.restartedBecause ?? '', /now 3149824 bytes, not 3145728/);
      assert.deepEqual([result.resumedFrom, result.size, result.sha256], [0, now.length, sha256(now)]);
    } finally {
      await host.stop();
    }
  });

  test('a host that ignores If-Range and sends the rest under another entity tag is not trusted either', async () => {
    const now = Buffer.alloc(SIZE, 5);
    const host = await startHost(rangeServer(now, '"v2"'));
    try {
      await store.appendPartial('videos/retagged', Readable.from([Buffer.alloc(stored, 1)]), { offset: 0 });
      const result: TransferResult = await new MockActivityEnvironment({ attempt: 2, heartbeatDetails: { bytes: stored, source: { etag: '"v1"', size: SIZE } } }).run(() =>
        transferToStorage(deps(), host.url, 'videos/retagged'),
      );
      assert.match(result.restartedBecause ?? '', /entity tag changed from "v1" to "v2"/);
      assert.deepEqual([result.resumedFrom, result.sha256], [0, sha256(now)]);
    } finally {
      await host.stop();
    }
  });

  test('a host that answers a Range with bytes from elsewhere in the file gets a fresh start, not a corrupt object', async () => {
    // As many bytes as asked for, but from byte 0: appended at the offset, they would make an
    // object of the right size and the wrong content, hashed as if good.
    const host = await startSampleVideoHost({ rangeFrom: 'start' });
    try {
      const name = 'misranged';
      await store.appendPartial('videos/misranged', Readable.from([generateBytes(name, 0, stored)]), { offset: 0 });
      const result: TransferResult = await new MockActivityEnvironment({ attempt: 2, heartbeatDetails: { bytes: stored } }).run(() =>
        transferToStorage(deps(), `${host.url}${mediaPath(name, SIZE)}`, 'videos/misranged'),
      );
      // No validator was recorded, so the retry asked again for the bytes before its offset too.
      assert.match(result.restartedBecause ?? '', new RegExp(`sent bytes from 0, not from ${stored - OVERLAP_BYTES}`));
      assert.deepEqual([result.resumedFrom, result.size, result.sha256], [0, SIZE, expectedSha256(name, SIZE)]);
    } finally {
      await host.stop();
    }
  });

  test('with no validator recorded, a retry asks again for the bytes before its offset: the same bytes, it resumes; others, it starts over', async () => {
    // A host that sends neither ETag nor Last-Modified, or an attempt killed before it heartbeat.
    const before = randomBytes(SIZE);
    const now = Buffer.concat([before.subarray(0, stored - 1000), randomBytes(SIZE - stored + 1000)]);
    const unchanged = await startHost(rangeServer(before, undefined));
    const changed = await startHost(rangeServer(now, undefined));
    try {
      await store.appendPartial('videos/untagged-same', Readable.from([before.subarray(0, stored)]), { offset: 0 });
      const same: TransferResult = await new MockActivityEnvironment({ attempt: 2 }).run(() => transferToStorage(deps(), unchanged.url, 'videos/untagged-same'));
      assert.equal(unchanged.requests[0].range, `bytes=${stored - OVERLAP_BYTES}-`);
      assert.deepEqual([same.resumedFrom, same.httpStatus, same.restartedBecause, same.sha256], [stored, 206, undefined, sha256(before)]);

      // The file changed just before the offset: the bytes after it alone would look like a continuation.
      await store.appendPartial('videos/untagged-changed', Readable.from([before.subarray(0, stored)]), { offset: 0 });
      const restarted: TransferResult = await new MockActivityEnvironment({ attempt: 2 }).run(() => transferToStorage(deps(), changed.url, 'videos/untagged-changed'));
      assert.match(restarted.restartedBecause ?? '', new RegExp(`the ${OVERLAP_BYTES} bytes before ${stored} that it sent again are not the ones stored`));
      assert.deepEqual([restarted.resumedFrom, restarted.sha256], [0, sha256(now)]);
      assert.equal((await store.head('videos/untagged-changed'))?.sha256, sha256(now));
    } finally {
      await unchanged.stop();
      await changed.stop();
    }
  });

  test('a part of a file sent for a request of the whole file is refused, and nothing is stored', async () => {
    const file = Buffer.alloc(SIZE, 9);
    const host = await startHost((_req, res) => {
      res.writeHead(206, { 'content-length': SIZE - 100, 'content-range': `bytes 100-${SIZE - 1}/${SIZE}` }).end(file.subarray(100));
    });
    try {
      await assert.rejects(
        new MockActivityEnvironment({ attempt: 1 }).run(() => transferToStorage(deps(), host.url, 'videos/partial-answer')),
        (err: unknown) => err instanceof RemoteFetchError && /with a part of it: it sent bytes from 100, not from 0/.test(err.message),
      );
      assert.equal(await store.head('videos/partial-answer'), undefined);
    } finally {
      await host.stop();
    }
  });
});
