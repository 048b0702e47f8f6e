import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { canonicalHost, isAllowed, type AllowedEndpoint } from './allowlist';
import { assertResolvedPublic, UnsafeUrlError } from './url-guard';

/** Every address a name has, as the system resolver gives them. */
export type ResolveHost = (host: string) => Promise<string[]>;

const systemResolve: ResolveHost = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

export interface GuardedAgentOptions {
  allow: readonly AllowedEndpoint[];
  /** Connections per origin (undici's `connections`); unbounded when unset. */
  connections?: number;
  /** Replaces the system resolver (tests). */
  resolve?: ResolveHost;
  connectTimeoutMs?: number;
}

/**
 * An undici Agent for user-supplied URLs that resolves each name once, vets every address it got
 * and connects to one of those very addresses. Checking a name and then letting the socket resolve
 * it again would let DNS answer "public" to the check and "private" to the connection.
 */
export function createGuardedAgent(options: GuardedAgentOptions): Agent {
  const resolve = options.resolve ?? systemResolve;
  const connectTo = buildConnector({ timeout: options.connectTimeoutMs });

  async function vettedAddress(hostname: string, port: number): Promise<string> {
    const host = canonicalHost(hostname);
    const addresses = isIP(host) ? [host] : await resolve(host).catch((): string[] => []);
    if (isAllowed(host, port, options.allow)) {
      if (addresses.length === 0) throw new UnsafeUrlError(`${host} does not resolve`);
    } else {
      assertResolvedPublic(host, addresses);
    }
    return addresses[0];
  }

  const connect: buildConnector.connector = (target, callback) => {
    const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
    vettedAddress(target.hostname, port).then(
      (address) => {
        // TLS still checks the certificate against the name the URL gave, not the address.
        const servername = isIP(canonicalHost(target.hostname)) ? undefined : canonicalHost(target.hostname);
        connectTo({ ...target, hostname: address, ...(servername ? { servername } : {}) }, callback);
      },
      (err: Error) => callback(err, null),
    );
  };
  return new Agent({ connect, ...(options.connections ? { connections: options.connections } : {}) });
}
