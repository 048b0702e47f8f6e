import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ObjectTooLargeError, PartialOffsetError } from './errors';
import { ByteMeter } from './local-files';
import type { Listed, S3Bucket } from './s3-bucket';
import { ChunkReader } from './s3-segment-stream';

/**
 * Resumable uploads on S3. An in-progress multipart upload cannot be read back, and S3 needs every
 * part but the last to be at least 5 MiB, so a resume (which may cut back to any offset) and an
 * append after a short tail would both be stuck. Instead a partial is a run of plain objects
 * ("segments") named by their start offset:
 *
 *   <name>.~partial/0000000000000000   bytes 0 .. segmentSize-1
 *   <name>.~partial/0000000008388608   …, only the last one shorter than segmentSize
 *   <name>.~partial/sha256.json        digest of the whole partial, when one call wrote all of it
 *
 * Keys cannot contain `~`, so these names never meet an object. Segments are written one at a
 * time and only after the previous one is stored, so what is stored is always a prefix of the
 * upload: the committed offset is the length of the run of segments contiguous from 0, and any
 * worker finds it by listing. Completion copies the segments server-side into the object as the
 * parts of one multipart upload, so the object appears whole or not at all.
 */

export interface Segment {
  name: string;
  start: number;
  size: number;
}

/** 16 digits hold any offset below 2^53. */
const SEGMENT = /^\d{16}$/;
const DIGEST = 'sha256.json';

export const partialPrefix = (name: string): string => `${name}.~partial/`;
const segmentName = (prefix: string, start: number) => prefix + String(start).padStart(16, '0');

/** Every segment listed under `prefix`, by start offset; gaps included (see `contiguous`). */
export async function listSegments(bucket: S3Bucket, prefix: string): Promise<Segment[]> {
  return segmentsOf(await bucket.list(prefix), prefix);
}

/**
 * The run of segments from offset 0 without a gap. A gap is left only by a crash while segments
 * were being deleted; whatever lies past it is stale and is deleted by the next write.
 */
export function contiguous(segments: readonly Segment[]): Segment[] {
  const run: Segment[] = [];
  for (const s of segments) {
    if (s.start !== (run.length ? run[run.length - 1].start + run[run.length - 1].size : 0)) break;
    run.push(s);
  }
  return run;
}

export const totalSize = (segments: readonly Segment[]): number => segments.reduce((sum, s) => sum + s.size, 0);

export interface WriteOptions {
  key: string;
  offset: number;
  maxBytes?: number;
  segmentSize: number;
  /** The whole upload's final size, when known: segments then stream instead of being gathered (s3-segment-stream.ts). */
  expectedSize?: number;
}

const segmentsOf = (listed: readonly Listed[], prefix: string): Segment[] =>
  listed
    .filter((o) => SEGMENT.test(o.name.slice(prefix.length)))
    .map((o) => ({ name: o.name, start: Number(o.name.slice(prefix.length)), size: o.size }))
    .sort((a, b) => a.start - b.start);

/** ObjectStore.appendPartial on segments; returns the bytes the partial holds afterwards. */
export async function writePartial(bucket: S3Bucket, name: string, body: Readable | AsyncIterable<Uint8Array>, opts: WriteOptions): Promise<number> {
  const { key, offset, maxBytes } = opts;
  const prefix = partialPrefix(name);
  const listed = await bucket.list(prefix);
  const segments = segmentsOf(listed, prefix);
  const run = contiguous(segments);
  const size = totalSize(run);
  if (size < offset) throw new PartialOffsetError(key, offset, size);
  // From here on the stored bytes change, so the digest of the old ones must not survive.
  if (listed.some((o) => o.name === prefix + DIGEST)) await bucket.delete(prefix + DIGEST);
  const from = resumePoint(run, offset, opts.segmentSize);
  await bucket.deleteAll(segments.filter((s) => s.start > from.start).map((s) => s.name));
  const meter = new ByteMeter({
    hash: offset === 0,
    limit: maxBytes === undefined ? undefined : maxBytes - offset,
    tooLarge: () => new ObjectTooLargeError(key, maxBytes ?? 0),
  });
  const head = await readHead(bucket, prefix, from);
  const target = { bucket, prefix, segmentSize: opts.segmentSize };
  const source = meter.pass(body);
  const end =
    opts.expectedSize !== undefined && opts.expectedSize > offset
      ? await streamSegments(target, source, from, head, opts.expectedSize)
      : await gatherSegments(target, source, from.start, head, from.stale);
  // The hash covers the whole partial only when this call wrote it from 0; a resumed upload is
  // hashed by reading it back on completion (Node cannot save a hash's state across processes).
  if (offset === 0 && end === meter.bytes) await bucket.write(prefix + DIGEST, Buffer.from(JSON.stringify({ size: meter.bytes, sha256: meter.sha256() })));
  return end;
}

interface Target {
  bucket: S3Bucket;
  prefix: string;
  segmentSize: number;
}

/** Segments gathered in memory, one at a time; returns where the stored bytes end. */
async function gatherSegments(target: Target, source: AsyncIterable<Uint8Array>, start: number, head: Buffer, stale: boolean): Promise<number> {
  const writer = new SegmentWriter(target.bucket, target.prefix, start, head, target.segmentSize, stale);
  for await (const chunk of source) await writer.write(chunk);
  await writer.finish();
  return writer.end;
}

/**
 * Segments streamed as they arrive, each with its known length. A body that ends short loses the
 * segment it was in (the returned end says so); one longer than announced goes on gathered.
 */
async function streamSegments(target: Target, source: AsyncIterable<Uint8Array>, from: ResumePoint, head: Buffer, expectedSize: number): Promise<number> {
  const { bucket, prefix, segmentSize } = target;
  const reader = new ChunkReader(source);
  let start = from.start;
  let length = 0;
  try {
    for (let first: Buffer | undefined = head; start < expectedSize; first = undefined) {
      length = Math.min(segmentSize, expectedSize - start);
      try {
        await bucket.writeStream(segmentName(prefix, start), reader.take(length, { head: first }), length);
      } catch (err) {
        if (!reader.endedShort) throw err;
        // Whatever is here now goes: a stale segment, or the bytes some servers (versitygw)
        // store of a request cut off mid-body. The kept head goes with it.
        await removeCutOffSegment(bucket, segmentName(prefix, start));
        return start;
      }
      start += length;
    }
    if (!(await reader.hasMore())) return start;
    // Longer than announced (a host that misstated its size): the last segment grows in place.
    const grow = length < segmentSize;
    const last = grow ? await readHead(bucket, prefix, { start: start - length, keep: length, stale: true }) : Buffer.alloc(0);
    return await gatherSegments(target, reader.rest(), grow ? start - length : start, last, grow);
  } finally {
    await reader.close();
  }
}

/**
 * versitygw stores what it received of a request cut off mid-body, and may finish doing so after
 * our delete: delete until the name stays gone, so the partial's size never counts those bytes.
 */
async function removeCutOffSegment(bucket: S3Bucket, name: string): Promise<void> {
  for (let settleMs = 100; ; settleMs *= 2) {
    await bucket.delete(name);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    if (!(await bucket.head(name))) return;
    if (settleMs >= 1_600) throw new Error(`${name}: the bytes of a cut-off upload keep reappearing after their delete`);
  }
}

interface ResumePoint {
  /** Where the first segment this call writes starts. */
  start: number;
  /** Bytes of the stored segment at `start` that precede `offset` and are kept. */
  keep: number;
  /** A segment is stored at `start` and must be rewritten (or removed) even if no byte arrives. */
  stale: boolean;
}

function resumePoint(run: readonly Segment[], offset: number, segmentSize: number): ResumePoint {
  const within = run.find((s) => s.start <= offset && offset < s.start + s.size);
  if (within) return { start: within.start, keep: offset - within.start, stale: true };
  const last = run[run.length - 1];
  // A short last segment grows in place, so every segment but the last stays a valid multipart part.
  if (last && last.size < segmentSize) return { start: last.start, keep: last.size, stale: true };
  return { start: offset, keep: 0, stale: false };
}

async function readHead(bucket: S3Bucket, prefix: string, from: ResumePoint): Promise<Buffer> {
  if (from.keep === 0) return Buffer.alloc(0);
  const head = await bucket.read(segmentName(prefix, from.start), `bytes=0-${from.keep - 1}`);
  if (head?.byteLength !== from.keep) throw new Error(`segment at ${from.start} of ${prefix} changed while resuming (is a second writer at work?)`);
  return head;
}

/** Buffers at most one segment in memory and stores each one before taking more input. */
class SegmentWriter {
  private chunks: Buffer[];
  private buffered: number;

  constructor(
    private readonly bucket: S3Bucket,
    private readonly prefix: string,
    private start: number,
    head: Buffer,
    private readonly segmentSize: number,
    private stale: boolean,
  ) {
    this.chunks = head.byteLength ? [head] : [];
    this.buffered = head.byteLength;
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.buffered += chunk.byteLength;
    while (this.buffered >= this.segmentSize) await this.flush(this.segmentSize);
  }

  /** Where the stored bytes end, once finished. */
  get end(): number {
    return this.start + this.buffered;
  }

  /** Stores the tail; an empty upload still gets its (empty) first segment so that it exists. */
  async finish(): Promise<void> {
    if (this.buffered > 0 || this.start === 0) await this.flush(this.buffered);
    else if (this.stale) await this.bucket.delete(segmentName(this.prefix, this.start));
  }

  private async flush(bytes: number): Promise<void> {
    const all = Buffer.concat(this.chunks, this.buffered);
    await this.bucket.write(segmentName(this.prefix, this.start), all.subarray(0, bytes));
    const rest = Buffer.from(all.subarray(bytes));
    this.chunks = rest.byteLength ? [rest] : [];
    this.buffered = rest.byteLength;
    this.start += bytes;
    this.stale = false;
  }
}

/** The digest stored by the call that wrote the whole partial, if it still describes `size` bytes. */
export async function storedDigest(bucket: S3Bucket, name: string, size: number): Promise<string | undefined> {
  const text = await bucket.read(partialPrefix(name) + DIGEST);
  if (!text) return undefined;
  try {
    const d = JSON.parse(text.toString('utf8')) as { size?: unknown; sha256?: unknown };
    return d.size === size && typeof d.sha256 === 'string' && /^[0-9a-f]{64}$/.test(d.sha256) ? d.sha256 : undefined;
  } catch {
    return undefined;
  }
}

/** `length` bytes from `start` of the segments (a run from offset 0), fewer where they end. */
export async function readSegments(bucket: S3Bucket, segments: readonly Segment[], start: number, length: number): Promise<Buffer> {
  const end = start + length;
  const parts: Buffer[] = [];
  for (const s of segments) {
    const [from, to] = [Math.max(start, s.start), Math.min(end, s.start + s.size)];
    if (from >= to) continue;
    const bytes = await bucket.read(s.name, `bytes=${from - s.start}-${to - s.start - 1}`);
    if (!bytes) throw new Error(`segment ${s.name} disappeared while being read (is a second writer at work?)`);
    parts.push(bytes);
  }
  return Buffer.concat(parts);
}

/** sha256 of the segments in order, reading them back once. */
export async function hashSegments(bucket: S3Bucket, segments: readonly Segment[]): Promise<string> {
  const hash = createHash('sha256');
  for (const s of segments) {
    const found = await bucket.stream(s.name);
    if (!found) throw new Error(`segment ${s.name} disappeared while completing (is a second writer at work?)`);
    for await (const chunk of found.body) hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

/** Everything under the partial's prefix: segments, digest and any leftovers past a gap. */
export async function removePartial(bucket: S3Bucket, name: string): Promise<void> {
  const listed = await bucket.list(partialPrefix(name));
  await bucket.deleteAll(listed.map((o) => o.name));
}
