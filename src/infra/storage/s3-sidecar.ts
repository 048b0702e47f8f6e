import { normalizeEtag, type S3Bucket } from './s3-bucket';

/**
 * The S3 store's sha256 of an object, in `<name>.meta.json` beside it. It cannot be the object's
 * own metadata: a streamed put learns the digest only after the upload that fixes the metadata has
 * started. So, like the local store's sidecar (which names an inode), it names the ETag of the
 * object it describes, and a sidecar left from an earlier version of the object is ignored.
 */

interface Sidecar {
  v: 1;
  etag: string;
  size: number;
  sha256: string;
}

export const sidecarNameOf = (name: string): string => `${name}.meta.json`;

export async function writeS3Sidecar(bucket: S3Bucket, name: string, fields: { etag: string | undefined; size: number; sha256: string }): Promise<void> {
  const etag = normalizeEtag(fields.etag);
  // No ETag, nothing to tie the digest to: head then reports none rather than a wrong one.
  if (!etag) return;
  const sidecar: Sidecar = { v: 1, etag, size: fields.size, sha256: fields.sha256 };
  await bucket.write(sidecarNameOf(name), Buffer.from(JSON.stringify(sidecar)), 'application/json');
}

/** The sha256 of the object whose ETag and size are given, or undefined when absent or stale. */
export async function readS3Sidecar(bucket: S3Bucket, name: string, object: { etag: string | undefined; size: number }): Promise<string | undefined> {
  const text = await bucket.read(sidecarNameOf(name));
  if (!text) return undefined;
  try {
    const s = JSON.parse(text.toString('utf8')) as Partial<Sidecar>;
    const fresh = s.v === 1 && s.etag === normalizeEtag(object.etag) && s.size === object.size;
    return fresh && typeof s.sha256 === 'string' ? s.sha256 : undefined;
  } catch {
    return undefined;
  }
}
