import type { Readable } from 'node:stream';

/**
 * Where pipelines keep large blobs (uploaded audio, downloaded videos, exports). Implementations
 * stream: no method holds a whole object in memory, so multi-gigabyte files are fine.
 *
 * Keys are `/`-separated paths of `[A-Za-z0-9_.-]` segments, e.g. `stt/2025/01/job-42/audio.m4a`.
 * A key may not end in `.partial` or `.meta.json` (the local store keeps its own files there).
 */

export interface ObjectInfo {
  key: string;
  size: number;
  /** Absent when it cannot be vouched for (e.g. the object is being replaced right now). */
  sha256?: string;
  contentType?: string;
  modifiedAt: Date;
}

export interface PutResult {
  key: string;
  size: number;
  /** Lowercase hex. */
  sha256: string;
}

export type ObjectBody = Readable | AsyncIterable<Uint8Array> | Buffer;

export interface ObjectStore {
  /**
   * Streams `body` to `key` atomically (readers never see a partial object); computes size and
   * sha256 while streaming. Optional maxBytes: abort with ObjectTooLargeError and leave nothing
   * behind. Optional expectedSize (a download's Content-Length): a body of any other length fails
   * with ObjectIntegrityError and leaves nothing behind; a store may stream such a body straight
   * through. On any failure an existing object at `key` stays as it was.
   */
  put(key: string, body: ObjectBody, opts?: { contentType?: string; maxBytes?: number; expectedSize?: number }): Promise<PutResult>;

  /**
   * Bodies up to this many bytes are better stored with one `put` than as a resumable partial
   * (a retry then starts them over). 0 where a partial costs no more than a put (files, published
   * by a rename); on S3, completing a partial copies it server-side, which costs as much as
   * receiving it again.
   */
  readonly atomicPutBytes: number;

  /**
   * Resumable writes for downloads: writes `body` into the in-progress upload for `key` starting
   * at `offset`, and returns the bytes the partial holds afterwards. A partial longer than
   * `offset` is cut back to it first (a retried download resumes from its last heartbeat, which
   * may be behind what was written). A partial shorter than `offset` fails with
   * PartialOffsetError carrying the size to resume from. `maxBytes` limits the whole upload;
   * passing it discards the partial and fails with ObjectTooLargeError.
   * One writer per key at a time.
   * `expectedSize`, when known (a download's Content-Length plus the offset), is the size the
   * whole upload will have: a store may then stream the body through instead of gathering pieces
   * in memory. A body that ends short of it may leave less stored than arrived; the returned size
   * (and partialSize) say what is there, and a resume goes on from that.
   */
  appendPartial(key: string, body: Readable | AsyncIterable<Uint8Array>, opts: { offset: number; maxBytes?: number; expectedSize?: number }): Promise<{ size: number }>;

  /** Bytes the in-progress upload for `key` holds; 0 when there is none. */
  partialSize(key: string): Promise<number>;

  /**
   * `length` bytes from `start` of the in-progress upload for `key`, read back into memory, so
   * meant for a short run: a resumed download compares them with the host's answer. Fewer when
   * the partial holds fewer; empty when there is none.
   */
  readPartial(key: string, run: { start: number; length: number }): Promise<Buffer>;

  /**
   * Atomically turns the partial upload into the object; checks `expectedSize` / `expectedSha256`
   * when given (ObjectIntegrityError, partial kept). Calling it again after it succeeded returns
   * the object's PutResult, so a retried activity is harmless. Neither a partial nor an object:
   * ObjectNotFoundError.
   */
  completePartial(key: string, opts?: { expectedSize?: number; expectedSha256?: string; contentType?: string }): Promise<PutResult>;

  /** Removes the in-progress upload for `key`, if any. */
  discardPartial(key: string): Promise<void>;

  /**
   * Reads the object, or the bytes `start`..`end` of it (both inclusive, like HTTP Range; `end`
   * past the object is clamped, `start` equal to the size gives an empty stream). The stream reads
   * the object as it was when `get` resolved, even if it is replaced meanwhile.
   * Missing: ObjectNotFoundError. A range starting past the end or ending before it starts: RangeError.
   */
  get(key: string, range?: { start: number; end?: number }): Promise<Readable>;

  /** The object's size, digest and type; undefined when there is none. */
  head(key: string): Promise<ObjectInfo | undefined>;

  /** Removes the object; fine when there is none. Does not touch an in-progress upload. */
  delete(key: string): Promise<void>;
}
