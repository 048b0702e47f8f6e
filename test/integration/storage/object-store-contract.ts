import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import {
  InvalidObjectKeyError,
  ObjectIntegrityError,
  ObjectNotFoundError,
  ObjectTooLargeError,
  PartialOffsetError,
  type ObjectStore,
} from '../../../src/infra/storage';

/**
 * What every ObjectStore promises (see object-store.ts), run against each backend so the pipelines
 * can be moved between them without noticing.
 */

export interface ContractTarget {
  store: ObjectStore;
  /** A second instance over the same storage, as a retried activity on another worker builds it. */
  another(): ObjectStore;
  /** Large enough that a partial upload spans several of the store's internal pieces. */
  largeBytes: number;
  close(): Promise<void>;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function read(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A body that arrives in pieces, like a network stream, so no store sees its length up front. */
const streamOf = (b: Buffer, piece = 64 * 1024) =>
  Readable.from((function* () {
    for (let i = 0; i < b.byteLength; i += piece) yield b.subarray(i, i + piece);
  })());

export function objectStoreContract(name: string, open: () => Promise<ContractTarget>): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let target: ContractTarget;
    let store: ObjectStore;
    const key = (leaf: string) => `contract/${randomUUID().slice(0, 8)}/${leaf}`;

    before(async () => {
      target = await open();
      store = target.store;
    });
    after(async () => target?.close());

    test('put streams an object that get, head and delete then see', async () => {
      const k = key('clip.bin');
      const body = randomBytes(300_000);
      const put = await store.put(k, streamOf(body), { contentType: 'video/mp4' });
      assert.deepEqual(put, { key: k, size: body.byteLength, sha256: sha256(body) });
      assert.deepEqual(await read(await store.get(k)), body);
      const info = await store.head(k);
      assert.equal(info?.size, body.byteLength);
      assert.equal(info?.sha256, sha256(body));
      assert.equal(info?.contentType, 'video/mp4');
      assert.ok(info?.modifiedAt instanceof Date);
      await store.delete(k);
      assert.equal(await store.head(k), undefined);
      await assert.rejects(store.get(k), ObjectNotFoundError);
      await store.delete(k);
    });

    test('a Buffer body, an empty body and a replacement are stored as given', async () => {
      const k = key('doc.json');
      await store.put(k, Buffer.from('{"v":1}'));
      const second = await store.put(k, Buffer.from('{"v":22}'), { contentType: 'application/json' });
      assert.equal((await read(await store.get(k))).toString(), '{"v":22}');
      assert.equal((await store.head(k))?.sha256, second.sha256);
      const empty = key('empty');
      assert.deepEqual(await store.put(empty, Buffer.alloc(0)), { key: empty, size: 0, sha256: sha256(Buffer.alloc(0)) });
      assert.equal((await read(await store.get(empty))).byteLength, 0);
      assert.equal((await read(await store.get(empty, { start: 0 }))).byteLength, 0);
    });

    test('ranges are inclusive, clamped at the end, and empty exactly at the end', async () => {
      const k = key('range.bin');
      const body = randomBytes(1000);
      await store.put(k, body);
      assert.deepEqual(await read(await store.get(k, { start: 10, end: 19 })), body.subarray(10, 20));
      assert.deepEqual(await read(await store.get(k, { start: 990, end: 5000 })), body.subarray(990));
      assert.deepEqual(await read(await store.get(k, { start: 500 })), body.subarray(500));
      assert.equal((await read(await store.get(k, { start: 1000 }))).byteLength, 0);
      await assert.rejects(store.get(k, { start: 1001 }), RangeError);
      await assert.rejects(store.get(k, { start: 20, end: 10 }), RangeError);
      await assert.rejects(store.get(key('none'), { start: 0 }), ObjectNotFoundError);
    });

    test('a stream reads the object as it was when get resolved', async () => {
      const k = key('pinned.txt');
      await store.put(k, Buffer.from('old contents'));
      const stream = await store.get(k);
      await store.put(k, Buffer.from('new contents, longer'));
      assert.equal((await read(stream)).toString(), 'old contents');
    });

    test('maxBytes refuses a body past the limit and leaves the previous object alone', async () => {
      const k = key('limited.bin');
      await store.put(k, Buffer.from('keep me'));
      await assert.rejects(store.put(k, streamOf(randomBytes(200_000), 10_000), { maxBytes: 100_000 }), ObjectTooLargeError);
      assert.equal((await read(await store.get(k))).toString(), 'keep me');
      const fresh = key('fresh.bin');
      await assert.rejects(store.put(fresh, randomBytes(101), { maxBytes: 100 }), ObjectTooLargeError);
      assert.equal(await store.head(fresh), undefined);
      assert.equal((await store.put(fresh, randomBytes(100), { maxBytes: 100 })).size, 100);
    });

    test('keys that could escape or collide are refused by every method', async () => {
      for (const bad of ['../etc/passwd', '/abs', 'a//b', 'x/y.partial', 'x/y.meta.json', 'sp ace', 'a/~b']) {
        await assert.rejects(store.put(bad, Buffer.from('x')), InvalidObjectKeyError, bad);
        await assert.rejects(store.get(bad), InvalidObjectKeyError, bad);
        await assert.rejects(store.head(bad), InvalidObjectKeyError, bad);
        await assert.rejects(store.appendPartial(bad, streamOf(Buffer.from('x')), { offset: 0 }), InvalidObjectKeyError, bad);
      }
    });

    test('a partial upload is invisible until completed, then complete is idempotent', async () => {
      const k = key('video.mp4');
      const body = randomBytes(400_000);
      assert.equal(await store.partialSize(k), 0);
      assert.deepEqual(await store.appendPartial(k, streamOf(body.subarray(0, 150_000)), { offset: 0 }), { size: 150_000 });
      assert.equal(await store.partialSize(k), 150_000);
      assert.equal(await store.head(k), undefined);
      await assert.rejects(store.get(k), ObjectNotFoundError);
      assert.deepEqual(await store.appendPartial(k, streamOf(body.subarray(150_000)), { offset: 150_000 }), { size: body.byteLength });
      assert.equal(await store.head(k), undefined);
      const done = await store.completePartial(k, { expectedSize: body.byteLength, expectedSha256: sha256(body).toUpperCase(), contentType: 'video/mp4' });
      assert.deepEqual(done, { key: k, size: body.byteLength, sha256: sha256(body) });
      assert.deepEqual(await read(await store.get(k)), body);
      assert.equal((await store.head(k))?.contentType, 'video/mp4');
      assert.equal(await store.partialSize(k), 0);
      assert.deepEqual(await target.another().completePartial(k, { expectedSize: body.byteLength }), done);
      await assert.rejects(store.completePartial(key('nothing')), ObjectNotFoundError);
    });

    test('a resume cuts back to its offset; an offset past the partial says where to resume', async () => {
      const k = key('resume.bin');
      const body = randomBytes(200_000);
      await store.appendPartial(k, streamOf(randomBytes(120_000)), { offset: 0 });
      await assert.rejects(store.appendPartial(k, streamOf(body), { offset: 130_000 }), (err: unknown) => {
        assert.ok(err instanceof PartialOffsetError);
        assert.equal(err.actualSize, 120_000);
        return true;
      });
      await store.appendPartial(k, streamOf(body.subarray(0, 80_000)), { offset: 0 });
      // Another worker resumes behind what is stored, as after a heartbeat older than the last write.
      const other = target.another();
      assert.equal(await other.partialSize(k), 80_000);
      assert.deepEqual(await other.appendPartial(k, streamOf(body.subarray(50_000)), { offset: 50_000 }), { size: body.byteLength });
      assert.deepEqual(await other.completePartial(k, { expectedSha256: sha256(body) }), { key: k, size: body.byteLength, sha256: sha256(body) });
      assert.deepEqual(await read(await store.get(k)), body);
      await assert.rejects(store.appendPartial(key('new'), streamOf(body), { offset: 1 }), PartialOffsetError);
    });

    test('a partial reads back as written, across its pieces; past its end it gives what it has', async () => {
      const k = key('read-back.bin');
      const body = randomBytes(target.largeBytes);
      assert.equal((await store.readPartial(k, { start: 0, length: 10 })).length, 0);
      await store.appendPartial(k, streamOf(body, 1024 * 1024), { offset: 0 });
      // Across 5 MiB, where the S3 store's first two segments meet, and by another process.
      const boundary = 5 * 1024 * 1024;
      assert.deepEqual(await target.another().readPartial(k, { start: boundary - 64 * 1024, length: 128 * 1024 }), body.subarray(boundary - 64 * 1024, boundary + 64 * 1024));
      for (const [start, length] of [[0, 1], [body.length - 10, 10], [body.length - 10, 1000], [body.length, 5]]) {
        assert.deepEqual(await store.readPartial(k, { start, length }), body.subarray(start, start + length), `${length} bytes from ${start}`);
      }
      assert.equal(await store.head(k), undefined, 'reading publishes nothing');
      await assert.rejects(store.readPartial(k, { start: -1, length: 1 }), RangeError);
    });

    test('a large partial resumed inside a stored piece completes to the exact bytes', async () => {
      const k = key('large.bin');
      const body = randomBytes(target.largeBytes);
      const cut = Math.floor(target.largeBytes * 0.6);
      await store.appendPartial(k, streamOf(body.subarray(0, Math.floor(target.largeBytes * 0.9)), 1024 * 1024), { offset: 0 });
      await store.appendPartial(k, streamOf(body.subarray(cut), 1024 * 1024), { offset: cut });
      assert.equal(await store.partialSize(k), body.byteLength);
      assert.equal(await store.head(k), undefined);
      const done = await store.completePartial(k, { expectedSize: body.byteLength, expectedSha256: sha256(body) });
      assert.equal(done.sha256, sha256(body));
      assert.equal((await store.head(k))?.sha256, sha256(body));
      assert.deepEqual(await read(await store.get(k)), body);
    });

    test('a put told its size stores exactly that; a body of another length leaves the object as it was', async () => {
      const k = key('sized.bin');
      const body = randomBytes(target.largeBytes);
      const expectedSize = body.byteLength;
      assert.deepEqual(await store.put(k, streamOf(body, 1024 * 1024), { expectedSize, contentType: 'video/mp4' }), { key: k, size: expectedSize, sha256: sha256(body) });
      assert.equal((await store.head(k))?.sha256, sha256(body));
      assert.deepEqual(await read(await store.get(k)), body);
      assert.equal((await store.head(k))?.contentType, 'video/mp4');
      const wrong = key('wrong-size.bin');
      await assert.rejects(store.put(wrong, streamOf(body.subarray(0, 1000)), { expectedSize: 2000 }), ObjectIntegrityError);
      await assert.rejects(store.put(wrong, streamOf(body.subarray(0, 3000)), { expectedSize: 2000 }), ObjectIntegrityError);
      // Longer by whole pieces: the piece that completes the size is not the body's last.
      await assert.rejects(store.put(wrong, streamOf(body.subarray(0, 4000), 2000), { expectedSize: 2000 }), ObjectIntegrityError);
      assert.equal(await store.head(wrong), undefined);
      assert.equal(await store.partialSize(wrong), 0);
      assert.ok(store.atomicPutBytes >= 0);
    });

    test('a partial told its final size stores the exact bytes, even when the body is shorter or longer', async () => {
      const body = randomBytes(target.largeBytes);
      const expectedSize = body.byteLength;
      const whole = key('announced.bin');
      assert.deepEqual(await store.appendPartial(whole, streamOf(body, 1024 * 1024), { offset: 0, expectedSize }), { size: expectedSize });
      assert.deepEqual(await store.completePartial(whole, { expectedSize, expectedSha256: sha256(body) }), { key: whole, size: expectedSize, sha256: sha256(body) });
      assert.deepEqual(await read(await store.get(whole)), body);

      // A download cut off cleanly: whatever the store says it kept, a resume from there completes it.
      const short = key('short.bin');
      const { size } = await store.appendPartial(short, streamOf(body.subarray(0, Math.floor(expectedSize * 0.7))), { offset: 0, expectedSize });
      assert.ok(size <= Math.floor(expectedSize * 0.7), `kept ${size}`);
      assert.equal(await store.partialSize(short), size);
      assert.deepEqual(await store.appendPartial(short, streamOf(body.subarray(size)), { offset: size, expectedSize }), { size: expectedSize });
      assert.equal((await store.completePartial(short, { expectedSha256: sha256(body) })).size, expectedSize);
      assert.deepEqual(await read(await store.get(short)), body);

      // A host that announced less than it sent: nothing is lost.
      const longer = key('longer.bin');
      assert.deepEqual(await store.appendPartial(longer, streamOf(body), { offset: 0, expectedSize: expectedSize - 1000 }), { size: expectedSize });
      assert.equal((await store.completePartial(longer, { expectedSize })).sha256, sha256(body));
    });

    test('a partial told its final size fails with the error of its body', async () => {
      const k = key('reset.bin');
      const body = randomBytes(200_000);
      const failing = Readable.from(
        (async function* () {
          yield body.subarray(0, 100_000);
          throw new Error('connection reset by peer');
        })(),
      );
      await assert.rejects(store.appendPartial(k, failing, { offset: 0, expectedSize: target.largeBytes }), /connection reset by peer/);
      assert.ok((await store.partialSize(k)) <= 100_000);
    });

    test('bytes rewritten by a resume count, even when the length stays the same', async () => {
      const k = key('rewritten.bin');
      const first = randomBytes(60_000);
      const final = Buffer.concat([first.subarray(0, 20_000), randomBytes(40_000)]);
      await store.appendPartial(k, streamOf(first), { offset: 0 });
      await store.appendPartial(k, streamOf(final.subarray(20_000)), { offset: 20_000 });
      assert.equal((await store.completePartial(k)).sha256, sha256(final));
      assert.deepEqual(await read(await store.get(k)), final);
    });

    test('a wrong size or digest publishes nothing and keeps the partial', async () => {
      const k = key('checked.bin');
      const body = randomBytes(50_000);
      await store.appendPartial(k, streamOf(body), { offset: 0 });
      await assert.rejects(store.completePartial(k, { expectedSize: 49_999 }), ObjectIntegrityError);
      await assert.rejects(store.completePartial(k, { expectedSha256: sha256(Buffer.from('other')) }), ObjectIntegrityError);
      assert.equal(await store.head(k), undefined);
      assert.equal(await store.partialSize(k), body.byteLength);
      assert.equal((await store.completePartial(k, { expectedSha256: sha256(body) })).size, body.byteLength);
    });

    test('an empty partial completes to an empty object', async () => {
      const k = key('zero.bin');
      assert.deepEqual(await store.appendPartial(k, streamOf(Buffer.alloc(0)), { offset: 0 }), { size: 0 });
      assert.deepEqual(await store.completePartial(k, { expectedSize: 0 }), { key: k, size: 0, sha256: sha256(Buffer.alloc(0)) });
      assert.equal((await store.head(k))?.size, 0);
    });

    test('maxBytes on a partial discards it; discard and delete touch only their own side', async () => {
      const k = key('partial-limit.bin');
      await store.appendPartial(k, streamOf(randomBytes(40_000)), { offset: 0, maxBytes: 100_000 });
      await assert.rejects(store.appendPartial(k, streamOf(randomBytes(70_000)), { offset: 40_000, maxBytes: 100_000 }), ObjectTooLargeError);
      assert.equal(await store.partialSize(k), 0);
      await assert.rejects(store.appendPartial(k, streamOf(Buffer.from('x')), { offset: 200, maxBytes: 100 }), ObjectTooLargeError);

      const both = key('both.bin');
      await store.put(both, Buffer.from('published'));
      await store.appendPartial(both, streamOf(Buffer.from('in progress')), { offset: 0 });
      await store.discardPartial(both);
      assert.equal(await store.partialSize(both), 0);
      assert.equal((await read(await store.get(both))).toString(), 'published');
      await store.appendPartial(both, streamOf(Buffer.from('in progress')), { offset: 0 });
      await store.delete(both);
      assert.equal(await store.head(both), undefined);
      assert.equal(await store.partialSize(both), 'in progress'.length);
      await store.discardPartial(both);
      await store.discardPartial(both);
    });
  });
}
