/**
 * Object keys for downloaded videos. Ids come from users (Korean text, slashes, `..`), so each
 * path segment is reduced to `[A-Za-z0-9._-]`; when that changed the id, a hash of the raw id is
 * appended so `강의1` and `영상1` (both `__1` once sanitised) still get distinct keys.
 * Every video is stored as `.mp4`, including media resolved from an `.asx` playlist.
 */

const UNSAFE_CHARACTERS = /[^A-Za-z0-9._-]/g;
/** Leaves room for the hash and `.mp4` under the object store's 200-character segment limit. */
const MAX_SEGMENT_LENGTH = 120;

export function storageKeyFor(jobId: string, videoId: string): string {
  return `etl/${safeSegment(jobId)}/${safeSegment(videoId)}.mp4`;
}

function safeSegment(raw: string): string {
  let safe = raw.replace(UNSAFE_CHARACTERS, '_');
  // No `.`/`..` segments and no hidden files.
  safe = safe.replace(/^\.+/, (dots) => '_'.repeat(dots.length));
  safe = safe.slice(0, MAX_SEGMENT_LENGTH) || '_';
  if (safe === raw) return safe;
  return `${safe}-${shortHash(raw)}`;
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = (1n << 64n) - 1n;

/**
 * 48 bits of FNV-1a 64 over the UTF-16 code units, as 12 hex digits: enough that two ids of one
 * job that sanitise alike will not collide, and pure (no crypto module in domain code).
 */
function shortHash(text: string): string {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * FNV_PRIME) & MASK_64;
  }
  return (hash >> 16n).toString(16).padStart(12, '0');
}
