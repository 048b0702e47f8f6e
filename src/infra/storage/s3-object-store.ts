import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash } from 'node:crypto';
import { pipeline, Readable } from 'node:stream';
import { ObjectIntegrityError, ObjectNotFoundError, ObjectTooLargeError } from './errors';
import { ByteMeter } from './local-files';
import { objectKeySegments } from './object-key';
import type { ObjectBody, ObjectInfo, ObjectStore, PutResult } from './object-store';
import { createS3Client, httpStatusOf, S3Bucket, type S3ClientOptions } from './s3-bucket';
import { contiguous, hashSegments, listSegments, partialPrefix, readSegments, removePartial, storedDigest, totalSize, writePartial } from './s3-partials';
import { ExactLengthBody } from './s3-segment-stream';
import { readS3Sidecar, sidecarNameOf, writeS3Sidecar } from './s3-sidecar';
import { assertByteCount, assertRange, checkExpected } from './store-checks';

export interface S3StoreOptions extends S3ClientOptions {
  bucket: string;
  /** Put before every key (e.g. `pipelines/`), so that several stores can share a bucket. */
  prefix?: string;
  /**
   * Bytes an upload holds in memory before storing them: the part size of streamed puts and the
   * segment size of partial uploads. S3 allows at most 10,000 parts, so 8 MiB caps an object
   * completed from a partial upload at 80 GiB.
   */
  segmentSize?: number;
  /** ObjectStore.atomicPutBytes; S3_ATOMIC_PUT_BYTES when unset. */
  atomicPutBytes?: number;
}

const MIN_PART_BYTES = 5 * 1024 * 1024;
/** The default segment size, which is also the part size of streamed puts. */
export const S3_PART_BYTES = 8 * 1024 * 1024;
/** Parts a streamed put uploads at once (lib-storage's queueSize): memory is about (1 + this) parts. */
export const S3_PART_QUEUE = 2;
/** S3's limit for a single PutObject. */
const MAX_SINGLE_PUT_BYTES = 5 * 1024 * 1024 * 1024;
/**
 * Downloads up to this size are stored with one streamed put rather than as a resumable partial:
 * completing a partial copies it server-side, as much work again as receiving it, while a retry
 * of a download this size costs a few seconds. Larger ones resume from their last segment.
 */
export const S3_ATOMIC_PUT_BYTES = 128 * 1024 * 1024;

/**
 * Objects in an S3 bucket (AWS or any S3-compatible server). `<key>` holds the bytes and content
 * type, `<key>.meta.json` the sha256 (s3-sidecar.ts), `<key>.~partial/` an upload in progress
 * (s3-partials.ts). S3 itself makes every publish atomic: a PUT, a copy or a completed multipart
 * upload is visible whole or not at all, and a failed one leaves the previous object in place.
 */
export class S3ObjectStore implements ObjectStore {
  readonly bucket: S3Bucket;
  readonly atomicPutBytes: number;
  private readonly prefix: string;
  private readonly segmentSize: number;

  constructor(opts: S3StoreOptions, client: S3Client = createS3Client(opts)) {
    this.prefix = opts.prefix ?? '';
    if (!validPrefix(this.prefix)) throw new RangeError(`prefix must be empty or key segments ending in "/", got ${JSON.stringify(this.prefix)}`);
    this.segmentSize = opts.segmentSize ?? S3_PART_BYTES;
    if (!Number.isSafeInteger(this.segmentSize) || this.segmentSize < MIN_PART_BYTES) {
      throw new RangeError(`segmentSize must be at least ${MIN_PART_BYTES} bytes (S3's smallest part), got ${this.segmentSize}`);
    }
    this.bucket = new S3Bucket(client, opts.bucket);
    this.atomicPutBytes = opts.atomicPutBytes ?? S3_ATOMIC_PUT_BYTES;
  }

  async put(key: string, body: ObjectBody, opts: { contentType?: string; maxBytes?: number; expectedSize?: number } = {}): Promise<PutResult> {
    const name = this.nameOf(key);
    const { maxBytes, expectedSize } = opts;
    if (maxBytes !== undefined) assertByteCount('maxBytes', maxBytes);
    if (expectedSize !== undefined) assertByteCount('expectedSize', expectedSize);
    const meter = new ByteMeter({ hash: true, limit: maxBytes, tooLarge: () => new ObjectTooLargeError(key, maxBytes ?? 0) });
    if (expectedSize !== undefined && expectedSize <= MAX_SINGLE_PUT_BYTES) return this.putStreamed(key, body, meter, expectedSize, opts);
    let refused: unknown;
    async function* metered() {
      try {
        yield* meter.pass(body instanceof Uint8Array ? [body] : body);
      } catch (err) {
        refused = err;
        throw err;
      }
    }
    // Upload sends a single PUT when the body fits in one part, else a multipart upload that it
    // aborts on failure; either way nothing appears under the key unless the whole body arrived.
    const upload = new Upload({
      client: this.bucket.client,
      params: { Bucket: this.bucket.bucket, Key: name, Body: Readable.from(metered()), ...(opts.contentType ? { ContentType: opts.contentType } : {}) },
      partSize: this.segmentSize,
      queueSize: S3_PART_QUEUE,
    });
    let etag: string | undefined;
    try {
      etag = (await upload.done()).ETag;
    } catch (err) {
      // The SDK reports the body's failure in its own words; the store's error type is what callers decide on.
      throw refused ?? err;
    }
    const result: PutResult = { key, size: meter.bytes, sha256: meter.sha256() };
    await writeS3Sidecar(this.bucket, name, { etag, size: result.size, sha256: result.sha256 });
    return result;
  }

  /** One PutObject of known length, streamed as it is read: no part is gathered in memory, none copied. */
  private async putStreamed(key: string, body: ObjectBody, meter: ByteMeter, expectedSize: number, opts: { contentType?: string; maxBytes?: number }): Promise<PutResult> {
    if (opts.maxBytes !== undefined && expectedSize > opts.maxBytes) throw new ObjectTooLargeError(key, opts.maxBytes);
    const exact = new ExactLengthBody(meter, expectedSize);
    // pipeline ends either side when the other fails: the request aborts on the body's error (writeStream), the source on the request's.
    pipeline(body instanceof Readable ? body : Readable.from(body instanceof Uint8Array ? [body] : body, { objectMode: false }), exact, () => undefined);
    let etag: string | undefined;
    try {
      ({ etag } = await this.bucket.writeStream(this.nameOf(key), exact, expectedSize, opts.contentType));
    } catch (err) {
      // S3 publishes a PUT only once its whole Content-Length arrived; some servers (versitygw)
      // store what came of a request cut off mid-body, which must not pass for the object.
      const left = await this.bucket.head(this.nameOf(key)).catch(() => undefined);
      if (left && left.ContentLength !== expectedSize) await this.bucket.delete(this.nameOf(key));
      if (exact.endedShort || exact.endedLong) throw new ObjectIntegrityError(key, 'size', expectedSize, meter.bytes);
      throw err;
    }
    const result: PutResult = { key, size: meter.bytes, sha256: meter.sha256() };
    await writeS3Sidecar(this.bucket, this.nameOf(key), { etag, size: result.size, sha256: result.sha256 });
    return result;
  }

  async appendPartial(key: string, body: Readable | AsyncIterable<Uint8Array>, opts: { offset: number; maxBytes?: number; expectedSize?: number }): Promise<{ size: number }> {
    const name = this.nameOf(key);
    const { offset, maxBytes, expectedSize } = opts;
    assertByteCount('offset', offset);
    if (maxBytes !== undefined) assertByteCount('maxBytes', maxBytes);
    try {
      if (maxBytes !== undefined && offset > maxBytes) throw new ObjectTooLargeError(key, maxBytes);
      return { size: await writePartial(this.bucket, name, body, { key, offset, maxBytes, segmentSize: this.segmentSize, expectedSize }) };
    } catch (err) {
      // Too large is final: keeping the partial would only invite resuming it.
      if (err instanceof ObjectTooLargeError) await removePartial(this.bucket, name).catch(() => undefined);
      throw err;
    }
  }

  async partialSize(key: string): Promise<number> {
    return totalSize(contiguous(await listSegments(this.bucket, partialPrefix(this.nameOf(key)))));
  }

  async readPartial(key: string, run: { start: number; length: number }): Promise<Buffer> {
    assertByteCount('start', run.start);
    assertByteCount('length', run.length);
    if (run.length === 0) return Buffer.alloc(0);
    return readSegments(this.bucket, contiguous(await listSegments(this.bucket, partialPrefix(this.nameOf(key)))), run.start, run.length);
  }

  async completePartial(key: string, opts: { expectedSize?: number; expectedSha256?: string; contentType?: string } = {}): Promise<PutResult> {
    const name = this.nameOf(key);
    const run = contiguous(await listSegments(this.bucket, partialPrefix(name)));
    if (run.length === 0) return this.alreadyCompleted(key, opts);
    const size = totalSize(run);
    checkExpected(key, 'size', opts.expectedSize, size);
    const sha256 = (await storedDigest(this.bucket, name, size)) ?? (await hashSegments(this.bucket, run));
    checkExpected(key, 'sha256', opts.expectedSha256?.toLowerCase(), sha256);
    const sources = run.map((s) => s.name);
    const { etag } = sources.length === 1 ? await this.bucket.copy(sources[0], name, opts.contentType) : await this.bucket.compose(sources, name, opts.contentType);
    await writeS3Sidecar(this.bucket, name, { etag, size, sha256 });
    // A crash before this line leaves the partial too; completing again publishes the same bytes.
    await removePartial(this.bucket, name);
    return { key, size, sha256 };
  }

  async discardPartial(key: string): Promise<void> {
    await removePartial(this.bucket, this.nameOf(key));
  }

  async get(key: string, range?: { start: number; end?: number }): Promise<Readable> {
    const name = this.nameOf(key);
    if (range) assertRange(range);
    let found;
    try {
      found = await this.bucket.stream(name, range ? `bytes=${range.start}-${range.end ?? ''}` : undefined);
    } catch (err) {
      // S3 refuses a range that starts at the end; the interface gives an empty stream there.
      if (range && httpStatusOf(err) === 416) return this.emptyAtEnd(key, range.start);
      throw err;
    }
    if (!found) throw new ObjectNotFoundError(key);
    return found.body;
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const name = this.nameOf(key);
    const info = await this.bucket.head(name);
    if (!info) return undefined;
    const size = info.ContentLength ?? 0;
    const sha256 = await readS3Sidecar(this.bucket, name, { etag: info.ETag, size });
    return {
      key,
      size,
      ...(sha256 ? { sha256 } : {}),
      ...(info.ContentType ? { contentType: info.ContentType } : {}),
      modifiedAt: info.LastModified ?? new Date(0),
    };
  }

  async delete(key: string): Promise<void> {
    const name = this.nameOf(key);
    // The object goes first: that is the moment it disappears; a stray sidecar is ignored.
    await this.bucket.delete(name);
    await this.bucket.delete(sidecarNameOf(name));
  }

  private nameOf(key: string): string {
    objectKeySegments(key);
    return this.prefix + key;
  }

  private async emptyAtEnd(key: string, start: number): Promise<Readable> {
    const info = await this.head(key);
    if (!info) throw new ObjectNotFoundError(key);
    if (start > info.size) throw new RangeError(`range starts at ${start}, past the object's ${info.size} bytes`);
    return Readable.from([]);
  }

  /** completePartial after it already succeeded (Temporal retries an activity whose result was lost). */
  private async alreadyCompleted(key: string, opts: { expectedSize?: number; expectedSha256?: string }): Promise<PutResult> {
    const info = await this.head(key);
    if (!info) throw new ObjectNotFoundError(key);
    checkExpected(key, 'size', opts.expectedSize, info.size);
    const sha256 = info.sha256 ?? (await this.hashObject(key));
    checkExpected(key, 'sha256', opts.expectedSha256?.toLowerCase(), sha256);
    return { key, size: info.size, sha256 };
  }

  private async hashObject(key: string): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of await this.get(key)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }
}

/** A prefix follows the key rules too, so that prefix + key is a key that works everywhere. */
function validPrefix(prefix: string): boolean {
  if (prefix === '') return true;
  try {
    return prefix.endsWith('/') && objectKeySegments(prefix.slice(0, -1)).length > 0;
  } catch {
    return false;
  }
}
