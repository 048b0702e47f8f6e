import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCopyCommand,
  type HeadObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';

/**
 * The handful of S3 requests the S3 store makes, with the SDK's shapes narrowed to what it uses.
 * Names here are full bucket keys (store prefix included); turning object keys into them is the
 * store's job.
 */

export interface S3ClientOptions {
  region: string;
  /** An S3-compatible server (MinIO, versitygw, …); unset means AWS. */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Unset means the SDK's default chain (environment, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export function createS3Client(opts: S3ClientOptions): S3Client {
  return new S3Client({
    region: opts.region,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    forcePathStyle: opts.forcePathStyle ?? false,
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    // The SDK's default CRC32 headers on every request are rejected by several S3-compatible
    // servers; integrity here is the sha256 the store computes itself.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export interface Listed {
  name: string;
  size: number;
}

export class S3Bucket {
  constructor(
    readonly client: S3Client,
    readonly bucket: string,
  ) {}

  /** `bucket/name` URL-encoded, as CopyObject and UploadPartCopy want their source. */
  copySource(name: string): string {
    return `${encodeURIComponent(this.bucket)}/${name.split('/').map(encodeURIComponent).join('/')}`;
  }

  async head(name: string): Promise<HeadObjectCommandOutput | undefined> {
    try {
      return await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: name }));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** The body, or undefined when there is no object. `range` is an HTTP Range value. */
  async stream(name: string, range?: string): Promise<{ body: Readable; etag?: string } | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: name, ...(range ? { Range: range } : {}) }));
      return { body: (out.Body as Readable | undefined) ?? Readable.from([]), etag: out.ETag };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** A small object read whole (segment heads, JSON state), or undefined when there is none. */
  async read(name: string, range?: string): Promise<Buffer | undefined> {
    const found = await this.stream(name, range);
    if (!found) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of found.body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async write(name: string, body: Buffer, contentType?: string): Promise<{ etag?: string }> {
    const out = await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: name, Body: body, ContentLength: body.byteLength, ...(contentType ? { ContentType: contentType } : {}) }),
    );
    return { etag: out.ETag };
  }

  /** A body of known length streamed as it is read (sent unsigned: a stream cannot be hashed up front). */
  async writeStream(name: string, body: Readable, length: number, contentType?: string): Promise<{ etag?: string }> {
    // The HTTP client pipes the body without watching it: a body that fails would leave the request
    // waiting for the rest of its Content-Length. So its failure aborts the request, and is what the caller sees.
    const abort = new AbortController();
    let failed: { error: unknown } | undefined;
    body.once('error', (error) => {
      failed = { error };
      abort.abort(error);
    });
    try {
      const out = await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: name, Body: body, ContentLength: length, ...(contentType ? { ContentType: contentType } : {}) }),
        { abortSignal: abort.signal },
      );
      return { etag: out.ETag };
    } catch (err) {
      throw failed ? failed.error : err;
    } finally {
      body.destroy();
    }
  }

  async copy(from: string, to: string, contentType?: string): Promise<{ etag?: string }> {
    const out = await this.client.send(
      new CopyObjectCommand({
        Bucket: this.bucket,
        Key: to,
        CopySource: this.copySource(from),
        MetadataDirective: 'REPLACE',
        ...(contentType ? { ContentType: contentType } : {}),
      }),
    );
    return { etag: out.CopyObjectResult?.ETag };
  }

  /** Fine when there is nothing to delete (S3 answers 204 either way). */
  async delete(name: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: name }));
  }

  /** Several names at once; one DeleteObject each, since DeleteObjects is missing or picky on some servers. */
  async deleteAll(names: readonly string[]): Promise<void> {
    await forEachLimited(names, 8, (name) => this.delete(name));
  }

  /**
   * One object made of `sources` in order, copied server-side as the parts of a multipart upload
   * (every source but the last must be at least 5 MiB). Published only by the final Complete.
   */
  async compose(sources: readonly string[], to: string, contentType?: string): Promise<{ etag?: string }> {
    const { UploadId } = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: to, ...(contentType ? { ContentType: contentType } : {}) }),
    );
    try {
      const parts: Array<{ PartNumber: number; ETag?: string }> = [];
      await forEachLimited(sources, 4, async (source, i) => {
        const out = await this.client.send(
          new UploadPartCopyCommand({ Bucket: this.bucket, Key: to, UploadId, PartNumber: i + 1, CopySource: this.copySource(source) }),
        );
        parts[i] = { PartNumber: i + 1, ETag: out.CopyPartResult?.ETag };
      });
      const out = await this.client.send(
        new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: to, UploadId, MultipartUpload: { Parts: parts } }),
      );
      return { etag: out.ETag };
    } catch (err) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: to, UploadId })).catch(() => undefined);
      throw err;
    }
  }

  async list(prefix: string): Promise<Listed[]> {
    const listed: Listed[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
      for (const o of page.Contents ?? []) if (o.Key !== undefined) listed.push({ name: o.Key, size: o.Size ?? 0 });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return listed;
  }
}

/**
 * Runs `fn` over `items` with at most `limit` calls in flight. After a failure no new call starts,
 * and it rejects only once the calls in flight have settled (so an abort does not race them).
 */
async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        await fn(items[i], i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, lane));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}

/**
 * A missing key. A missing bucket is a configuration error and stays one, except where S3 cannot
 * tell them apart (HEAD answers a bare 404 for both).
 */
export function isNotFound(err: unknown): boolean {
  const name = errorField(err, 'name');
  if (name === 'NoSuchBucket') return false;
  return name === 'NoSuchKey' || name === 'NotFound' || httpStatusOf(err) === 404;
}

export function httpStatusOf(err: unknown): number | undefined {
  const meta = errorField(err, '$metadata') as { httpStatusCode?: number } | undefined;
  return meta?.httpStatusCode;
}

function errorField(err: unknown, field: string): unknown {
  return typeof err === 'object' && err !== null && field in err ? (err as Record<string, unknown>)[field] : undefined;
}

/** ETags arrive quoted from some calls and bare from others. */
export const normalizeEtag = (etag: string | undefined): string | undefined => etag?.replace(/^"|"$/g, '');
