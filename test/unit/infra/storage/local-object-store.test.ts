import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import {
  createObjectStore,
  InvalidObjectKeyError,
  LocalObjectStore,
  ObjectIntegrityError,
  ObjectNotFoundError,
  ObjectTooLargeError,
  PartialOffsetError,
} from '../../../../src/infra/storage';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const HELLO = 'hello world\n';
const HELLO_SHA256 = 'a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447';

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

async function* failingAfter(...parts: string[]): AsyncGenerator<Uint8Array> {
  yield* chunks(...parts);
  throw new Error('connection reset');
}

/** Every file under `dir`, relative, so a test can see that nothing (no temp file) was left behind. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fsp.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

let root: string;
let store: LocalObjectStore;

before(async () => {
  root = await fsp.mkdtemp(path.join(os.tmpdir(), 'dp-object-store-'));
  store = new LocalObjectStore(root);
});
after(async () => {
  await fsp.rm(root, { recursive: true, force: true });
});

describe('put, get, head, delete', () => {
  test('round trip with the sha256 of known content', async () => {
    const put = await store.put('rt/a/hello.txt', Buffer.from(HELLO), { contentType: 'text/plain' });
    assert.deepEqual(put, { key: 'rt/a/hello.txt', size: 12, sha256: HELLO_SHA256 });
    assert.equal(await text(await store.get('rt/a/hello.txt')), HELLO);
    const info = await store.head('rt/a/hello.txt');
    assert.ok(info);
    assert.deepEqual({ ...info, modifiedAt: undefined }, { key: 'rt/a/hello.txt', size: 12, sha256: HELLO_SHA256, contentType: 'text/plain', modifiedAt: undefined });
    assert.ok(info.modifiedAt instanceof Date);
    await store.delete('rt/a/hello.txt');
    assert.equal(await store.head('rt/a/hello.txt'), undefined);
    await assert.rejects(store.get('rt/a/hello.txt'), ObjectNotFoundError);
    await store.delete('rt/a/hello.txt'); // idempotent
    assert.deepEqual(await filesUnder(path.join(root, 'rt')), []);
  });

  test('accepts a Readable and an async iterable; an empty body is an empty object', async () => {
    assert.equal((await store.put('rt/readable', Readable.from([Buffer.from('hello '), Buffer.from('world\n')]))).sha256, HELLO_SHA256);
    assert.equal((await store.put('rt/iterable', chunks('hel', 'lo world', '\n'))).sha256, HELLO_SHA256);
    const empty = await store.put('rt/empty', Buffer.alloc(0));
    assert.deepEqual(empty, { key: 'rt/empty', size: 0, sha256: sha256('') });
    assert.equal(await text(await store.get('rt/empty')), '');
  });

  test('overwriting replaces bytes and metadata', async () => {
    await store.put('rt/over', Buffer.from('first version'), { contentType: 'text/plain' });
    await store.put('rt/over', Buffer.from('second'));
    assert.equal(await text(await store.get('rt/over')), 'second');
    const info = await store.head('rt/over');
    assert.equal(info?.sha256, sha256('second'));
    assert.equal(info?.contentType, undefined);
  });

  test('a sidecar naming another file (an overwrite cut short between its renames) is not believed', async () => {
    await store.put('rt/stale', Buffer.from('abc'), { contentType: 'text/plain' });
    await store.put('rt/newer', Buffer.from('xyz'), { contentType: 'text/csv' });
    // What a crash leaves when the new sidecar was renamed in and the new data was not.
    await fsp.copyFile(path.join(root, 'rt/newer.meta.json'), path.join(root, 'rt/stale.meta.json'));
    const info = await store.head('rt/stale');
    assert.equal(info?.size, 3);
    assert.equal(info?.sha256, undefined);
    assert.equal(info?.contentType, undefined);
    assert.equal(await text(await store.get('rt/stale')), 'abc');
  });

  test('missing objects: head undefined, get ObjectNotFoundError, also under a file or at a directory', async () => {
    await store.put('rt/file', Buffer.from('x'));
    assert.equal(await store.head('rt/nothing'), undefined);
    assert.equal(await store.head('rt/file/below'), undefined);
    assert.equal(await store.head('rt'), undefined);
    await assert.rejects(store.get('rt/nothing'), ObjectNotFoundError);
    await assert.rejects(store.get('rt/file/below'), ObjectNotFoundError);
    await assert.rejects(store.get('rt'), ObjectNotFoundError);
    await store.delete('rt'); // a directory, not an object: nothing to do
  });
});

describe('ranges', () => {
  const KEY = 'ranges/digits';
  before(async () => {
    await store.put(KEY, Buffer.from('0123456789'));
  });

  const cases: Array<[{ start: number; end?: number }, string]> = [
    [{ start: 0 }, '0123456789'],
    [{ start: 3 }, '3456789'],
    [{ start: 2, end: 4 }, '234'],
    [{ start: 5, end: 5 }, '5'],
    [{ start: 8, end: 100 }, '89'],
    [{ start: 10 }, ''],
    [{ start: 10, end: 20 }, ''],
  ];
  for (const [range, expected] of cases) {
    test(`${JSON.stringify(range)} → "${expected}"`, async () => assert.equal(await text(await store.get(KEY, range)), expected));
  }

  test('ranges past the end or backwards are RangeErrors', async () => {
    await assert.rejects(store.get(KEY, { start: 11 }), RangeError);
    await assert.rejects(store.get(KEY, { start: 4, end: 3 }), RangeError);
    await assert.rejects(store.get(KEY, { start: -1 }), RangeError);
    await assert.rejects(store.get(KEY, { start: 1.5 }), RangeError);
  });

  test('a reader keeps the version it opened while the object is replaced', async () => {
    await store.put('ranges/pinned', Buffer.from('old contents'));
    const stream = await store.get('ranges/pinned');
    await store.put('ranges/pinned', Buffer.from('new contents!'));
    assert.equal(await text(stream), 'old contents');
    assert.equal(await text(await store.get('ranges/pinned')), 'new contents!');
  });
});

describe('atomicity and limits', () => {
  test('a failing stream leaves no object and no temp file', async () => {
    await assert.rejects(store.put('atomic/a/fails', failingAfter('some ', 'bytes')), /connection reset/);
    assert.equal(await store.head('atomic/a/fails'), undefined);
    assert.deepEqual(await filesUnder(path.join(root, 'atomic/a')), []);
  });

  test('a failing stream leaves an existing object as it was', async () => {
    await store.put('atomic/b/kept', Buffer.from(HELLO));
    await assert.rejects(store.put('atomic/b/kept', failingAfter('partial')), /connection reset/);
    assert.equal(await text(await store.get('atomic/b/kept')), HELLO);
    assert.equal((await store.head('atomic/b/kept'))?.sha256, HELLO_SHA256);
    assert.deepEqual(await filesUnder(path.join(root, 'atomic/b')), ['kept', 'kept.meta.json']);
  });

  test('maxBytes: aborts with ObjectTooLargeError and leaves nothing', async () => {
    const err = await store.put('atomic/c/big', chunks('12345', '67890', 'x'), { maxBytes: 10 }).catch((e: unknown) => e);
    assert.ok(err instanceof ObjectTooLargeError);
    assert.equal(err.maxBytes, 10);
    assert.equal(await store.head('atomic/c/big'), undefined);
    assert.deepEqual(await filesUnder(path.join(root, 'atomic/c')), []);
    // Exactly at the limit is fine.
    assert.equal((await store.put('atomic/c/fits', chunks('12345', '67890'), { maxBytes: 10 })).size, 10);
  });

  test('invalid keys are rejected before touching the disk', async () => {
    const bad = ['', '/etc/passwd', '../escape', 'a/../../b', 'a/./b', 'a//b', 'a/', 'sp ace', 'semi;colon', 'back\\slash', 'tilde~', '한글.wav', 'x.partial', 'x.meta.json', 'a'.repeat(201), 'a/'.repeat(600) + 'a'];
    for (const key of bad) {
      await assert.rejects(store.put(key, Buffer.from('x')), InvalidObjectKeyError, key);
      await assert.rejects(store.get(key), InvalidObjectKeyError, key);
      await assert.rejects(store.head(key), InvalidObjectKeyError, key);
      await assert.rejects(store.delete(key), InvalidObjectKeyError, key);
      await assert.rejects(store.appendPartial(key, chunks('x'), { offset: 0 }), InvalidObjectKeyError, key);
    }
    for (const key of ['a', 'stt/2025-01/job_42/audio.m4a', '.hidden', 'v1.2.3-rc.1']) assert.equal((await store.put(`keys/${key}`, Buffer.from('ok'))).size, 2);
  });
});

describe('partial uploads', () => {
  test('append, resume from a heartbeat behind what was written, complete', async () => {
    const key = 'partial/download.mp4';
    assert.equal(await store.partialSize(key), 0);
    assert.deepEqual(await store.appendPartial(key, chunks('hello ', 'wor'), { offset: 0 }), { size: 9 });
    // The retry only heard of 6 bytes (its last heartbeat): "wor" is cut and written again.
    assert.deepEqual(await store.appendPartial(key, chunks('world\n'), { offset: 6 }), { size: 12 });
    assert.equal(await store.partialSize(key), 12);
    assert.equal(await store.head(key), undefined, 'a partial is not an object');
    const done = await store.completePartial(key, { expectedSize: 12, contentType: 'video/mp4' });
    assert.deepEqual(done, { key, size: 12, sha256: HELLO_SHA256 });
    assert.equal(await text(await store.get(key)), HELLO);
    assert.equal((await store.head(key))?.contentType, 'video/mp4');
    assert.equal(await store.partialSize(key), 0);
    // A retried completion (its first result was lost) answers the same.
    assert.deepEqual(await store.completePartial(key, { expectedSize: 12, expectedSha256: HELLO_SHA256 }), done);
  });

  test('an offset past the partial is a PartialOffsetError naming the size to resume from', async () => {
    const key = 'partial/gap';
    const none = await store.appendPartial(key, chunks('x'), { offset: 5 }).catch((e: unknown) => e);
    assert.ok(none instanceof PartialOffsetError);
    assert.equal(none.actualSize, 0);
    await store.appendPartial(key, chunks('abc'), { offset: 0 });
    const gap = await store.appendPartial(key, chunks('x'), { offset: 5 }).catch((e: unknown) => e);
    assert.ok(gap instanceof PartialOffsetError);
    assert.equal(gap.actualSize, 3);
    assert.equal(await store.partialSize(key), 3);
  });

  test('a failed append keeps the bytes written before the failure', async () => {
    const key = 'partial/interrupted';
    await assert.rejects(store.appendPartial(key, failingAfter('0123', '4567'), { offset: 0 }), /connection reset/);
    const size = await store.partialSize(key);
    assert.ok(size <= 8);
    await store.appendPartial(key, chunks('01234567'.slice(size), '89'), { offset: size });
    assert.equal((await store.completePartial(key)).sha256, sha256('0123456789'));
  });

  test('maxBytes counts the whole upload and discards the partial', async () => {
    const key = 'partial/too-big';
    await store.appendPartial(key, chunks('12345'), { offset: 0, maxBytes: 8 });
    await assert.rejects(store.appendPartial(key, chunks('678', '9'), { offset: 5, maxBytes: 8 }), ObjectTooLargeError);
    assert.equal(await store.partialSize(key), 0);
    assert.deepEqual(await filesUnder(path.join(root, 'partial')).then((f) => f.filter((n) => n.startsWith('too-big'))), []);
  });

  test('completePartial checks the expected size and sha256 and keeps the partial on mismatch', async () => {
    const key = 'partial/verify';
    await store.appendPartial(key, chunks(HELLO), { offset: 0 });
    await assert.rejects(store.completePartial(key, { expectedSize: 13 }), ObjectIntegrityError);
    await assert.rejects(store.completePartial(key, { expectedSha256: sha256('other') }), ObjectIntegrityError);
    assert.equal(await store.partialSize(key), 12);
    assert.equal(await store.head(key), undefined);
    assert.equal((await store.completePartial(key, { expectedSha256: HELLO_SHA256.toUpperCase() })).size, 12);
  });

  test('discardPartial; completing with neither partial nor object is ObjectNotFoundError', async () => {
    const key = 'partial/discarded';
    await store.appendPartial(key, chunks('abc'), { offset: 0 });
    await store.discardPartial(key);
    await store.discardPartial(key);
    assert.equal(await store.partialSize(key), 0);
    await assert.rejects(store.completePartial(key), ObjectNotFoundError);
  });
});

describe('memory', () => {
  test('a 50 MB put streams: rss grows by less than 30 MB', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'durable-pipelines ');
    const count = 800; // 50 MiB
    const expected = createHash('sha256');
    for (let i = 0; i < count; i++) expected.update(chunk);
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    // The same chunk every time: the body itself allocates nothing, so growth is the store's.
    async function* body(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < count; i++) {
        peak = Math.max(peak, process.memoryUsage.rss());
        yield chunk;
      }
    }
    const put = await store.put('memory/50mb.bin', body());
    peak = Math.max(peak, process.memoryUsage.rss());
    assert.deepEqual(put, { key: 'memory/50mb.bin', size: count * chunk.length, sha256: expected.digest('hex') });
    assert.ok(peak - baseline < 30 * 1024 * 1024, `rss grew ${((peak - baseline) / 1024 / 1024).toFixed(1)} MB`);
    assert.equal((await store.head('memory/50mb.bin'))?.size, 50 * 1024 * 1024);
    await store.delete('memory/50mb.bin');
  });
});

test('createObjectStore builds the local store', async () => {
  const made = createObjectStore({ kind: 'local', rootDir: path.join(root, 'factory') });
  assert.ok(made instanceof LocalObjectStore);
  assert.equal((await made.put('k', Buffer.from(HELLO))).sha256, HELLO_SHA256);
});
