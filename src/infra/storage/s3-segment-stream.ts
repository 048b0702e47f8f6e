import { Readable, Transform, type TransformCallback } from 'node:stream';
import type { ByteMeter } from './local-files';

/**
 * Segments streamed straight from the body to the bucket when the upload's final size is known
 * (a download's Content-Length): each segment's length is then known before its first byte, so it
 * goes out as one PutObject with that Content-Length while it is read, instead of being gathered
 * in memory first. Nothing is copied or held but the chunk in flight, and the SDK sends a stream
 * unsigned (UNSIGNED-PAYLOAD) rather than hashing it a second time; the store's own sha256 is
 * what vouches for the bytes.
 */

/** The body did not have the length a stream promised: what it was sent with was not stored. */
export class ShortBodyError extends Error {
  override readonly name = 'ShortBodyError';
}

/** Hands out the bytes of one async iterable in runs of a given length, splitting chunks as needed. */
export class ChunkReader {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private leftover: Uint8Array | undefined;
  private done = false;
  /** Set once a `take` ran out of source before its length. */
  endedShort = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** Whether the source has at least one more byte (reads ahead by one chunk). */
  async hasMore(): Promise<boolean> {
    if (this.leftover?.byteLength) return true;
    const next = await this.next();
    if (next) this.leftover = next;
    return next !== undefined;
  }

  /**
   * Exactly `bytes` bytes as a stream, the rest left for the next `take`; it fails with
   * ShortBodyError if the source ends first. (A whole body that must end there: ExactLengthBody.)
   */
  take(bytes: number, opts: { head?: Uint8Array } = {}): Readable {
    return Readable.from(this.run(bytes, opts.head), { objectMode: false });
  }

  private async *run(bytes: number, head: Uint8Array | undefined): AsyncGenerator<Uint8Array> {
    let left = bytes;
    if (head?.byteLength) {
      left -= head.byteLength;
      yield head;
    }
    while (left > 0) {
      const chunk = await this.next();
      if (!chunk) {
        this.endedShort = true;
        throw new ShortBodyError(`the body ended ${left} bytes short`);
      }
      if (chunk.byteLength > left) {
        this.leftover = chunk.subarray(left);
        yield chunk.subarray(0, left);
        return;
      }
      left -= chunk.byteLength;
      yield chunk;
    }
  }

  /** The rest of the source, for a caller that goes on without knowing lengths. */
  async *rest(): AsyncGenerator<Uint8Array> {
    for (let chunk = await this.next(); chunk; chunk = await this.next()) yield chunk;
  }

  /** Ends the source early (its iterator's return), e.g. a Readable is destroyed. */
  async close(): Promise<void> {
    if (!this.done) await this.iterator.return?.();
    this.done = true;
  }

  private async next(): Promise<Uint8Array | undefined> {
    if (this.leftover) {
      const chunk = this.leftover;
      this.leftover = undefined;
      return chunk;
    }
    if (this.done) return undefined;
    const { value, done } = await this.iterator.next();
    if (done) this.done = true;
    return done ? undefined : value;
  }
}

/**
 * A whole body of known length as one stream, metered on the way (ByteMeter), as a single
 * Transform piped from the source: every readable and async generator between the download and
 * the upload costs each chunk its own ticks and promises, and the download passes here once per
 * chunk it receives. Fails with ShortBodyError when the source ends short or runs long; the last
 * byte is held back until the source has ended, so a request sending this stream cannot complete
 * with a longer body.
 */
export class ExactLengthBody extends Transform {
  endedShort = false;
  endedLong = false;
  private seen = 0;
  private held: Uint8Array | undefined;

  constructor(
    private readonly meter: ByteMeter,
    private readonly length: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.seen + chunk.byteLength > this.length) {
      this.endedLong = true;
      done(new ShortBodyError(`the body is longer than ${this.length} bytes`));
      return;
    }
    try {
      this.meter.take(chunk);
    } catch (err) {
      done(err as Error);
      return;
    }
    this.seen += chunk.byteLength;
    if (this.seen < this.length || chunk.byteLength === 0) {
      done(null, chunk);
      return;
    }
    this.held = chunk.subarray(chunk.byteLength - 1);
    done(null, chunk.subarray(0, chunk.byteLength - 1));
  }

  override _flush(done: TransformCallback): void {
    if (this.seen < this.length) {
      this.endedShort = true;
      done(new ShortBodyError(`the body ended ${this.length - this.seen} bytes short`));
      return;
    }
    done(null, this.held);
  }
}
