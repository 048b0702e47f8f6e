import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * URLs come from users, so fetching them must not reach into our own network (SSRF). Only
 * http(s); every address a host resolves to must be public, checked again after each redirect.
 * Hosts on the allowlist (local development and tests) skip the address check.
 */
export class UnsafeUrlError extends Error {
  override name = 'UnsafeUrlError';
}

const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) blocked.addSubnet(net, bits, 'ipv6');

/** True for loopback, private, link-local (incl. cloud metadata 169.254.169.254), CGNAT, multicast and IPv4-mapped forms of them. */
export function isNonPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isNonPublicAddress(mapped[1]);
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export async function assertFetchable(url: URL, allowHosts: readonly string[]): Promise<void> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UnsafeUrlError(`only http and https URLs are fetched, not ${url.protocol}`);
  if (url.username || url.password) throw new UnsafeUrlError('URLs with credentials are not fetched');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (allowHosts.includes(host)) return;
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) throw new UnsafeUrlError(`${host} does not resolve`);
  const refused = addresses.find(isNonPublicAddress);
  if (refused) throw new UnsafeUrlError(`${host} resolves to ${refused}, a private, loopback or link-local address`);
}
