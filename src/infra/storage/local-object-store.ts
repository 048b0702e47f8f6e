import type { Hash } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ObjectIntegrityError, ObjectNotFoundError, ObjectTooLargeError, PartialOffsetError } from './errors';
import { ByteMeter, errorCode, fsyncDir, fsyncFile, hashFile, hashPrefix, isMissing, removeIfPresent, removeQuietly, streamInto, tempPathFor } from './local-files';
import { readSidecar, sidecarPathOf, writeSidecar } from './local-sidecar';
import { objectKeySegments } from './object-key';
import type { ObjectBody, ObjectInfo, ObjectStore, PutResult } from './object-store';

interface KeyPaths {
  file: string;
  dir: string;
  partial: string;
}

/** The sha256 of a partial as this store last wrote it, and the file state it describes. */
interface PartialHash {
  hash: Hash;
  size: bigint;
  ino: bigint;
  mtimeNs: bigint;
}

/** Partials hashed but not yet completed; a worker has a few dozen transfers at most in flight. */
const MAX_PARTIAL_HASHES = 1024;

/**
 * Objects as files under `rootDir`: `<key>` holds the bytes, `<key>.meta.json` the sha256 and
 * content type, `<key>.partial` an upload in progress. Writes go to a temp file in the same
 * directory (so the rename cannot cross file systems), are fsynced, and are published by rename.
 *
 * Partial uploads are hashed as they are written, so completing one does not read it back. A
 * hash's state cannot be saved to disk, so it lives in memory until `completePartial`; a partial
 * this instance did not write last (another process, a restart) is read once to hash it. Each
 * append that reaches the end of its body syncs the data; completing syncs the directory.
 */
export class LocalObjectStore implements ObjectStore {
  readonly rootDir: string;
  /** A partial is published by a rename, like a put: nothing to save by skipping it. */
  readonly atomicPutBytes = 0;
  private readonly partialHashes = new Map<string, PartialHash>();

  constructor(rootDir: string) {
    this.rootDir = path.resolve(rootDir);
  }

  async put(key: string, body: ObjectBody, opts: { contentType?: string; maxBytes?: number; expectedSize?: number } = {}): Promise<PutResult> {
    const p = this.paths(key);
    const { maxBytes } = opts;
    if (maxBytes !== undefined) assertByteCount('maxBytes', maxBytes);
    await fsp.mkdir(p.dir, { recursive: true });
    const tmp = tempPathFor(p.file);
    try {
      const meter = new ByteMeter({ hash: true, limit: maxBytes, tooLarge: () => new ObjectTooLargeError(key, maxBytes ?? 0) });
      const handle = await fsp.open(tmp, 'wx');
      let ino: bigint;
      try {
        await streamInto(handle, body instanceof Uint8Array ? [body] : body, meter, 0);
        ino = (await handle.stat({ bigint: true })).ino;
      } finally {
        await handle.close();
      }
      checkExpected(key, 'size', opts.expectedSize, meter.bytes);
      const result: PutResult = { key, size: meter.bytes, sha256: meter.sha256() };
      await writeSidecar(p.file, ino, { size: result.size, sha256: result.sha256, ...contentTypeOf(opts) });
      await fsp.rename(tmp, p.file);
      await fsyncDir(p.dir);
      return result;
    } catch (err) {
      await removeQuietly(tmp);
      throw err;
    }
  }

  async appendPartial(key: string, body: Readable | AsyncIterable<Uint8Array>, opts: { offset: number; maxBytes?: number }): Promise<{ size: number }> {
    const p = this.paths(key);
    const { offset, maxBytes } = opts;
    assertByteCount('offset', offset);
    if (maxBytes !== undefined) assertByteCount('maxBytes', maxBytes);
    const tooLarge = () => new ObjectTooLargeError(key, maxBytes ?? 0);
    const known = this.takePartialHash(p.partial);
    try {
      if (maxBytes !== undefined && offset > maxBytes) throw tooLarge();
      await fsp.mkdir(p.dir, { recursive: true });
      const handle = await openPartial(p.partial, key, offset);
      try {
        const stat = await handle.stat({ bigint: true });
        const size = Number(stat.size);
        if (size < offset) throw new PartialOffsetError(key, offset, size);
        // A retry resumes from its last heartbeat; bytes written after it are rewritten.
        if (size > offset) await handle.truncate(offset);
        const prefix = known && size === offset && describes(known, stat) ? known.hash : await hashPrefix(p.partial, offset);
        const meter = new ByteMeter({ hash: prefix, limit: maxBytes === undefined ? undefined : maxBytes - offset, tooLarge });
        await streamInto(handle, body, meter, offset, { sync: false });
        // Synced here, where the handle is open anyway, so completing need not open the file again.
        // (A failed call skips it: resuming never trusts more than the file holds.)
        await handle.datasync();
        this.keepPartialHash(p.partial, meter.hashState(), await handle.stat({ bigint: true }));
        return { size: offset + meter.bytes };
      } finally {
        await handle.close();
      }
    } catch (err) {
      // Too large is final: keeping the partial would only invite resuming it.
      if (err instanceof ObjectTooLargeError) await removeQuietly(p.partial);
      throw err;
    }
  }

  async partialSize(key: string): Promise<number> {
    const stat = await statIfPresent(this.paths(key).partial);
    return stat ? Number(stat.size) : 0;
  }

  async readPartial(key: string, run: { start: number; length: number }): Promise<Buffer> {
    assertByteCount('start', run.start);
    assertByteCount('length', run.length);
    let handle: FileHandle;
    try {
      handle = await fsp.open(this.paths(key).partial, 'r');
    } catch (err) {
      if (isMissing(err)) return Buffer.alloc(0);
      throw err;
    }
    try {
      const buffer = Buffer.alloc(run.length);
      let filled = 0;
      while (filled < buffer.length) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, run.start + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buffer.subarray(0, filled);
    } finally {
      await handle.close();
    }
  }

  async completePartial(key: string, opts: { expectedSize?: number; expectedSha256?: string; contentType?: string } = {}): Promise<PutResult> {
    const p = this.paths(key);
    const known = this.takePartialHash(p.partial);
    const stat = await statIfPresent(p.partial);
    if (!stat) return this.alreadyCompleted(key, opts);
    checkExpected(key, 'size', opts.expectedSize, Number(stat.size));
    // What this store wrote last and still finds as it left it is hashed and synced already.
    const written = known && describes(known, stat);
    const { size, sha256 } = written ? { size: Number(stat.size), sha256: known.hash.digest('hex') } : await hashFile(p.partial);
    checkExpected(key, 'size', opts.expectedSize, size);
    checkExpected(key, 'sha256', opts.expectedSha256?.toLowerCase(), sha256);
    if (!written) await fsyncFile(p.partial);
    // rename keeps the inode, so the sidecar can name it before the partial becomes the object.
    await writeSidecar(p.file, stat.ino, { size, sha256, ...contentTypeOf(opts) });
    await fsp.rename(p.partial, p.file);
    await fsyncDir(p.dir);
    return { key, size, sha256 };
  }

  async discardPartial(key: string): Promise<void> {
    const p = this.paths(key);
    this.takePartialHash(p.partial);
    await removeIfPresent(p.partial);
  }

  async get(key: string, range?: { start: number; end?: number }): Promise<Readable> {
    const p = this.paths(key);
    // Opening first pins the current file: a concurrent put renames a new one in, this stream keeps the old.
    const handle = await fsp.open(p.file, 'r').catch((err: unknown) => {
      throw isMissing(err) || errorCode(err) === 'EISDIR' ? new ObjectNotFoundError(key) : err;
    });
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new ObjectNotFoundError(key);
      const bounds = resolveRange(range, stat.size);
      if (!bounds) {
        await handle.close();
        return Readable.from([]);
      }
      return handle.createReadStream({ ...bounds, autoClose: true });
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const p = this.paths(key);
    const stat = await statIfPresent(p.file);
    if (!stat?.isFile()) return undefined;
    const meta = await readSidecar(p.file, stat);
    return {
      key,
      size: Number(stat.size),
      ...(meta ? { sha256: meta.sha256 } : {}),
      ...(meta?.contentType ? { contentType: meta.contentType } : {}),
      modifiedAt: stat.mtime,
    };
  }

  async delete(key: string): Promise<void> {
    const p = this.paths(key);
    const stat = await statIfPresent(p.file);
    // The data file goes first: that is the moment the object disappears; a stray sidecar is ignored.
    if (stat?.isFile()) await removeIfPresent(p.file);
    await removeIfPresent(sidecarPathOf(p.file));
  }

  /** Removes and returns the remembered hash of a partial: whoever takes it owns (or discards) it. */
  private takePartialHash(partial: string): PartialHash | undefined {
    const known = this.partialHashes.get(partial);
    this.partialHashes.delete(partial);
    return known;
  }

  private keepPartialHash(partial: string, hash: Hash, stat: BigIntStats): void {
    if (this.partialHashes.size >= MAX_PARTIAL_HASHES) this.partialHashes.delete(this.partialHashes.keys().next().value!);
    this.partialHashes.set(partial, { hash, size: stat.size, ino: stat.ino, mtimeNs: stat.mtimeNs });
  }

  private paths(key: string): KeyPaths {
    const file = path.join(this.rootDir, ...objectKeySegments(key));
    return { file, dir: path.dirname(file), partial: `${file}.partial` };
  }

  /** completePartial after it already succeeded (Temporal retries an activity whose result was lost). */
  private async alreadyCompleted(key: string, opts: { expectedSize?: number; expectedSha256?: string }): Promise<PutResult> {
    const info = await this.head(key);
    if (!info) throw new ObjectNotFoundError(key);
    checkExpected(key, 'size', opts.expectedSize, info.size);
    const sha256 = info.sha256 ?? (await hashFile(this.paths(key).file)).sha256;
    checkExpected(key, 'sha256', opts.expectedSha256?.toLowerCase(), sha256);
    return { key, size: info.size, sha256 };
  }
}

/** Whether a remembered hash still describes the file: same inode, size and modification time. */
function describes(known: PartialHash, stat: BigIntStats): boolean {
  return known.ino === stat.ino && known.size === stat.size && known.mtimeNs === stat.mtimeNs;
}

/** Opens the partial for writing; only offset 0 may start a new one. */
async function openPartial(file: string, key: string, offset: number): Promise<FileHandle> {
  try {
    return await fsp.open(file, 'r+');
  } catch (err) {
    if (!isMissing(err)) throw err;
    if (offset > 0) throw new PartialOffsetError(key, offset, 0);
    return fsp.open(file, 'w');
  }
}

async function statIfPresent(file: string) {
  try {
    return await fsp.stat(file, { bigint: true });
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/** Inclusive byte bounds for createReadStream, or undefined for an empty read. */
function resolveRange(range: { start: number; end?: number } | undefined, size: number): { start: number; end: number } | undefined {
  if (!range) return size === 0 ? undefined : { start: 0, end: size - 1 };
  const { start, end } = range;
  assertByteCount('range.start', start);
  if (end !== undefined) assertByteCount('range.end', end);
  if (start > size) throw new RangeError(`range starts at ${start}, past the object's ${size} bytes`);
  if (end !== undefined && end < start) throw new RangeError(`range ends at ${end}, before its start ${start}`);
  const last = Math.min(end ?? size - 1, size - 1);
  return start > last ? undefined : { start, end: last };
}

function checkExpected<T extends string | number>(key: string, field: 'size' | 'sha256', expected: T | undefined, actual: T): void {
  if (expected !== undefined && expected !== actual) throw new ObjectIntegrityError(key, field, expected, actual);
}

function assertByteCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
}

const contentTypeOf = (opts: { contentType?: string }) => (opts.contentType ? { contentType: opts.contentType } : {});
