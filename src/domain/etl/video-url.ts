/**
 * Video URLs come from users, so only absolute http(s) URLs without credentials pass. This is
 * the syntactic half of the guard; which addresses a host resolves to (loopback, private,
 * metadata) is checked at fetch time, after DNS and after every redirect, by the HTTP client.
 */
import { quoted } from './reasons';
import type { Parsed } from './types';

/** Longer than any real media URL, signed CDN URLs included; keeps junk out of logs and rows. */
export const MAX_URL_LENGTH = 8192;

const ALLOWED_PROTOCOLS = new Set(['http:', 'https:']);

export function parseVideoUrl(text: string): Parsed<string> {
  const value = text.trim();
  if (value.length > MAX_URL_LENGTH) return { ok: false, reason: `URL longer than ${MAX_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, reason: `not an absolute URL: ${quoted(value)}` };
  }
  // The parser lower-cases the scheme and drops tabs and newlines, so `JavaScript:` and
  // `java\tscript:` are caught here too.
  if (!ALLOWED_PROTOCOLS.has(url.protocol)) {
    return { ok: false, reason: `URL scheme "${url.protocol}" is not allowed (only http and https)` };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, reason: 'URL must not contain a user name or password' };
  }
  if (url.hostname === '') return { ok: false, reason: 'URL has no host' };
  return { ok: true, value: url.href };
}
