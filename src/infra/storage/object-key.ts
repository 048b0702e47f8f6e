import { InvalidObjectKeyError } from './errors';

/**
 * Key rules shared by every store, so a key that works locally also works in a bucket.
 * Segments are ASCII word characters, `.` and `-` only: no `..`, no absolute paths, nothing a
 * shell, URL or file system would read specially.
 */

const SEGMENT = /^[\w.-]+$/;
/** The local store keeps its partial uploads and sidecars beside the object under these names. */
const RESERVED_SUFFIXES = ['.partial', '.meta.json'];
const MAX_KEY_LENGTH = 1024;
/** NAME_MAX is 255 on common file systems; the rest is room for the local store's suffixes. */
const MAX_SEGMENT_LENGTH = 200;

/** The key's path segments, or InvalidObjectKeyError. */
export function objectKeySegments(key: unknown): string[] {
  if (typeof key !== 'string' || key === '') throw new InvalidObjectKeyError(String(key), 'must be a non-empty string');
  if (key.length > MAX_KEY_LENGTH) throw new InvalidObjectKeyError(key, `longer than ${MAX_KEY_LENGTH} characters`);
  if (key.startsWith('/')) throw new InvalidObjectKeyError(key, 'must be relative');
  const segments = key.split('/');
  for (const segment of segments) {
    if (segment === '') throw new InvalidObjectKeyError(key, 'has an empty segment');
    if (segment === '.' || segment === '..') throw new InvalidObjectKeyError(key, `has a "${segment}" segment`);
    if (!SEGMENT.test(segment)) throw new InvalidObjectKeyError(key, 'segments may only hold letters, digits, "_", "." and "-"');
    if (segment.length > MAX_SEGMENT_LENGTH) throw new InvalidObjectKeyError(key, `has a segment longer than ${MAX_SEGMENT_LENGTH} characters`);
  }
  const last = segments[segments.length - 1];
  const reserved = RESERVED_SUFFIXES.find((suffix) => last.endsWith(suffix));
  if (reserved) throw new InvalidObjectKeyError(key, `may not end in "${reserved}"`);
  return segments;
}
