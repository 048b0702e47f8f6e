import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Dispatcher } from 'undici';
import { expectedSha256, generateBytes, mediaPath, startSampleVideoHost, type SampleVideoHost } from '../../../devtools/sample-video-host';
import { transferToStorage, type TransferResult } from '../../../src/activities/shared/transfer-to-storage';
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

  test('a retry whose partial already holds the whole file starts over, rather than failing on the 416 its Range draws', async () => {
    // An attempt stopped between the file's last byte and publishing it (a worker killed) leaves this.
    const name = 'whole-partial';
    await store.appendPartial('videos/whole', Readable.from([generateBytes(name, 0, SIZE)]), { offset: 0 });
    const result: TransferResult = await new MockActivityEnvironment({ attempt: 2 }).run(() => transferToStorage(deps(), `${host.url}${mediaPath(name, SIZE)}`, 'videos/whole'));
    assert.equal(result.resumedFrom, 0);
    assert.equal(result.httpStatus, 200);
    assert.equal(result.size, SIZE);
    assert.equal(result.sha256, expectedSha256(name, SIZE));
    assert.ok(host.admin.stats().rangeRequests.byName[name]?.starts.includes(SIZE), 'the retry asked for the bytes after its partial first');
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
    env.on('heartbeat', (details: { bytes: number }) => beats.push({ atMs: Date.now() - started, bytes: details.bytes }));
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
});
