import ipaddr from 'ipaddr.js';

/**
 * Which addresses a user-supplied URL may reach: plain public unicast only, as ipaddr.js names
 * the ranges (loopback, private, link-local, CGNAT, documentation, benchmarking, multicast,
 * broadcast, NAT64, 6to4, Teredo… are all something other than `unicast`).
 */

/** The IPv4 address a transition range carries inside an IPv6 one, to name it in the refusal. */
function embeddedIPv4(v6: ipaddr.IPv6, range: string): ipaddr.IPv4 | undefined {
  const bytes = v6.toByteArray();
  const at = (offset: number, flip = 0) => new ipaddr.IPv4(bytes.slice(offset, offset + 4).map((b) => b ^ flip));
  if (range === 'ipv4Mapped' || range === 'rfc6145' || range === 'rfc6052') return at(12);
  if (range === '6to4') return at(2);
  // Teredo stores the client's address with every bit inverted.
  if (range === 'teredo') return at(12, 0xff);
  return undefined;
}

/**
 * `::a.b.c.d` (IPv4-compatible, deprecated by RFC 4291) is `unicast` to ipaddr.js, yet some
 * stacks still route it to the IPv4 address; nothing public uses it, so it is refused outright.
 */
function isIPv4Compatible(v6: ipaddr.IPv6): boolean {
  return v6.parts.slice(0, 6).every((part) => part === 0);
}

/** Why `address` may not be fetched from, or undefined when it is plain public unicast. */
export function addressRefusal(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    // How a dual-stack socket shows an IPv4 peer: judge the IPv4 address itself.
    if (v6.isIPv4MappedAddress()) {
      const refusal = addressRefusal(v6.toIPv4Address().toString());
      return refusal && `${address} maps to ${refusal}`;
    }
    if (isIPv4Compatible(v6) && v6.range() === 'unicast') return `${address} is an IPv4-compatible address (embeds ${embeddedIPv4(v6, 'rfc6145')})`;
  }
  const range = parsed.range();
  if (range === 'unicast') return undefined;
  const embedded = parsed.kind() === 'ipv6' ? embeddedIPv4(parsed as ipaddr.IPv6, range) : undefined;
  const inner = embedded ? `, embedding ${embedded} (${embedded.range()})` : '';
  return `${address} is not a public address (${range}${inner})`;
}

export const isPublicAddress = (address: string): boolean => addressRefusal(address) === undefined;
