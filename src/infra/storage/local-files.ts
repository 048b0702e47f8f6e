import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';

/** File-system helpers behind LocalObjectStore: streaming writes with a byte limit, fsync, cleanup. */

/** Counts (and optionally hashes) bytes as they stream through; fails once a limit is passed. */
export class ByteMeter {
  bytes = 0;
  private readonly hash: Hash | undefined;

  constructor(private readonly opts: { hash: boolean; limit?: number; tooLarge?: () => Error }) {
    this.hash = opts.hash ? createHash('sha256') : undefined;
  }

  /** Passes chunks through, counting and hashing; throws before the first byte past the limit. */
  async *pass(source: AsyncIterable<unknown> | Iterable<unknown>): AsyncGenerator<Uint8Array> {
    for await (const raw of source) {
      const chunk = typeof raw === 'string' ? Buffer.from(raw) : (raw as Uint8Array);
      const { limit, tooLarge } = this.opts;
      if (limit !== undefined && this.bytes + chunk.byteLength > limit) {
        throw tooLarge ? tooLarge() : new RangeError(`more than ${limit} bytes`);
      }
      this.bytes += chunk.byteLength;
      this.hash?.update(chunk);
      yield chunk;
    }
  }

  sha256(): string {
    if (!this.hash) throw new Error('ByteMeter was created without hashing');
    return this.hash.digest('hex');
  }
}

/**
 * Writes `source` into the open file from `start`, then fsyncs so the bytes survive a crash.
 * Plain awaited writes rather than `handle.createWriteStream`: that stream holds a reference
 * on the handle until it closes it, so with the handle still needed afterwards (sync, stat)
 * `handle.close()` would never resolve. Awaiting each write is the backpressure.
 */
export async function streamInto(handle: FileHandle, source: AsyncIterable<unknown> | Iterable<unknown>, meter: ByteMeter, start: number): Promise<void> {
  let position = start;
  // Leaving this loop by an exception ends the source's iterator, which destroys a Readable.
  for await (const chunk of meter.pass(source)) {
    let written = 0;
    while (written < chunk.byteLength) {
      const { bytesWritten } = await handle.write(chunk, written, chunk.byteLength - written, position + written);
      written += bytesWritten;
    }
    position += written;
  }
  await handle.sync();
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
