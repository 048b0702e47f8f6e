import { isIP } from 'node:net';
import { canonicalHost, isAllowed, portOf, type AllowedEndpoint } from './allowlist';
import { addressRefusal } from './public-address';

/**
 * URLs come from users, so fetching them must not reach into our own network (SSRF). This is
 * what the URL alone decides — http(s), no credentials, an address written as the host — and is
 * asked again at every redirect. A name is vetted when the connection is made, against the very
 * addresses it connects to (guarded-agent.ts), so DNS cannot answer differently in between.
 * Endpoints on the allowlist (local development, tests) skip the address checks.
 */
export class UnsafeUrlError extends Error {
  override name = 'UnsafeUrlError';
}

export function assertFetchableUrl(url: URL, allow: readonly AllowedEndpoint[]): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UnsafeUrlError(`only http and https URLs are fetched, not ${url.protocol}`);
  if (url.username || url.password) throw new UnsafeUrlError('URLs with credentials are not fetched');
  const host = canonicalHost(url.hostname);
  if (host === '') throw new UnsafeUrlError('the URL has no host');
  if (isAllowed(host, portOf(url), allow)) return;
  // The URL parser has already turned 2130706433, 0x7f000001 and 127.1 into 127.0.0.1.
  const refusal = isIP(host) ? addressRefusal(host) : undefined;
  if (refusal) throw new UnsafeUrlError(`${url.host} is refused: ${refusal}`);
}

/**
 * Every address a name resolves to must be public: one private answer among public ones refuses
 * the name, since a rebinding server mixes them to win a later lookup.
 */
export function assertResolvedPublic(host: string, addresses: readonly string[]): void {
  if (addresses.length === 0) throw new UnsafeUrlError(`${host} does not resolve`);
  for (const address of addresses) {
    const refusal = addressRefusal(address);
    if (refusal) throw new UnsafeUrlError(`${host} resolves to a refused address: ${refusal}`);
  }
}
