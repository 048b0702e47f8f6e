import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';

/** File-system helpers behind LocalObjectStore: streaming writes with a byte limit, fsync, cleanup. */

/** Counts (and optionally hashes) bytes as they stream through; fails once a limit is passed. */
export class ByteMeter {
  bytes = 0;
  private readonly hash: Hash | undefined;

  /** `hash` may be a hash already fed with earlier bytes (a resumed upload's prefix) to continue. */
  constructor(private readonly opts: { hash: boolean | Hash; limit?: number; tooLarge?: () => Error }) {
    this.hash = opts.hash === true ? createHash('sha256') : opts.hash || undefined;
  }

  /** Passes chunks through, counting and hashing; throws before the first byte past the limit. */
  async *pass(source: AsyncIterable<unknown> | Iterable<unknown>): AsyncGenerator<Uint8Array> {
    for await (const raw of source) yield this.take(raw);
  }

  /** One chunk of `pass`, for a caller that iterates the source itself. */
  take(raw: unknown): Uint8Array {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : (raw as Uint8Array);
    const { limit, tooLarge } = this.opts;
    if (limit !== undefined && this.bytes + chunk.byteLength > limit) {
      throw tooLarge ? tooLarge() : new RangeError(`more than ${limit} bytes`);
    }
    this.bytes += chunk.byteLength;
    this.hash?.update(chunk);
    return chunk;
  }

  sha256(): string {
    return this.hashState().digest('hex');
  }

  /** The running hash itself, undigested, so a caller can keep feeding it later. */
  hashState(): Hash {
    if (!this.hash) throw new Error('ByteMeter was created without hashing');
    return this.hash;
  }
}

/** Every write is a thread-pool round trip, and network chunks are small (16–64 KiB). */
const WRITE_BATCH_BYTES = 256 * 1024;
/** Bytes queued behind the write in progress before reading from the source pauses. */
const WRITE_QUEUE_BYTES = 4 * WRITE_BATCH_BYTES;

/**
 * Writes `source` into the open file from `start`, then (unless `sync: false`) fsyncs so the bytes
 * survive a crash. Plain writes on the handle rather than `handle.createWriteStream`: that stream
 * holds a reference on the handle until it closes it, so with the handle still needed afterwards
 * (sync, stat) `handle.close()` would never resolve. One write is in flight while the source keeps
 * being read, and chunks go out together, WRITE_BATCH_BYTES or more per writev. At most
 * WRITE_QUEUE_BYTES wait, so memory per stream stays flat whatever the file size.
 */
export async function streamInto(
  handle: FileHandle,
  source: AsyncIterable<unknown> | Iterable<unknown>,
  meter: ByteMeter,
  start: number,
  opts: { sync?: boolean } = {},
): Promise<void> {
  let position = start;
  let queued: Uint8Array[] = [];
  let queuedBytes = 0;
  let writing: Promise<void> | undefined;
  let failure: { error: unknown } | undefined;
  const drain = async () => {
    try {
      while (queuedBytes >= WRITE_BATCH_BYTES) {
        const batch = queued;
        const bytes = queuedBytes;
        queued = [];
        queuedBytes = 0;
        await writeAll(handle, batch, position);
        position += bytes;
      }
    } catch (error) {
      failure = { error };
    } finally {
      writing = undefined;
    }
  };
  try {
    // Leaving this loop by an exception ends the source's iterator, which destroys a Readable.
    for await (const raw of source) {
      const chunk = meter.take(raw);
      if (failure) throw failure.error;
      if (chunk.byteLength === 0) continue;
      queued.push(chunk);
      queuedBytes += chunk.byteLength;
      if (queuedBytes >= WRITE_BATCH_BYTES) writing ??= drain();
      if (queuedBytes >= WRITE_QUEUE_BYTES) await writing;
    }
  } catch (err) {
    // The caller closes the handle next: let the write in progress land, send nothing more.
    queued = [];
    await writing;
    throw err;
  }
  await writing;
  if (failure) throw failure.error;
  await writeAll(handle, queued, position);
  if (opts.sync ?? true) await handle.sync();
}

/** writev until every byte is down: a write may take fewer bytes than it was given. */
async function writeAll(handle: FileHandle, buffers: Uint8Array[], position: number): Promise<void> {
  let pending = buffers;
  let at = position;
  while (pending.length > 0) {
    const { bytesWritten } = await handle.writev(pending, at);
    at += bytesWritten;
    pending = dropBytes(pending, bytesWritten);
  }
}

function dropBytes(buffers: Uint8Array[], count: number): Uint8Array[] {
  let left = count;
  let i = 0;
  while (i < buffers.length && left >= buffers[i].byteLength) left -= buffers[i++].byteLength;
  const rest = buffers.slice(i);
  if (left > 0) rest[0] = rest[0].subarray(left);
  return rest;
}

/** Feeds the first `bytes` bytes of a file into `hash` (a resumed upload's prefix). */
export async function hashPrefix(file: string, bytes: number, hash: Hash = createHash('sha256')): Promise<Hash> {
  if (bytes === 0) return hash;
  let read = 0;
  for await (const chunk of createReadStream(file, { start: 0, end: bytes - 1 })) {
    hash.update(chunk as Buffer);
    read += (chunk as Buffer).byteLength;
  }
  if (read !== bytes) throw new Error(`${file} holds ${read} bytes, expected at least ${bytes}`);
  return hash;
}

/** Flushes a file's data to disk without holding it open for writing. */
export async function fsyncFile(file: string): Promise<void> {
  const handle = await fsp.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Size and sha256 of a file, reading it once as a stream. */
export async function hashFile(file: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).byteLength;
  }
  return { size, sha256: hash.digest('hex') };
}

/**
 * A sibling temp name no key can produce (`~` is not allowed in keys), so a crash leaves at
 * worst an orphan that never shadows an object.
 */
export function tempPathFor(file: string): string {
  return `${file}.~${randomBytes(6).toString('hex')}.tmp`;
}

/** Makes a rename durable. Some platforms cannot open or sync a directory; there it is best effort. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await fsp.open(dir, 'r');
    await handle.sync();
  } catch (err) {
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF', 'EACCES'].includes(errorCode(err) ?? '')) throw err;
  } finally {
    await handle?.close();
  }
}

/** ENOTDIR too: `a/b` is missing when `a` is a file. */
export function isMissing(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

/** Unlinks `file` if it exists; other failures still throw. */
export async function removeIfPresent(file: string): Promise<void> {
  try {
    await fsp.unlink(file);
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
}

/** Cleanup on a path that is already failing: the original error is the one worth reporting. */
export async function removeQuietly(file: string): Promise<void> {
  await fsp.unlink(file).catch(() => undefined);
}
