/**
 * FETCH_ALLOW_HOSTS: endpoints whose user-supplied URLs may reach private or loopback addresses
 * (local development, tests). An entry names one port, `host:4010`, or every port, `host:*` —
 * the second is for test servers on random ports, never for a deployment: it opens every
 * service on that host.
 */
export interface AllowedEndpoint {
  host: string;
  port: number | '*';
}

const ENTRY = /^(\[[0-9a-f:.]+\]|[^\s:[\]/]+):(\d{1,5}|\*)$/i;

/** Lower-case, no IPv6 brackets, no trailing dot: one spelling per host. */
export function canonicalHost(host: string): string {
  return host.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

/** `host:port` or `host:*` as an endpoint; undefined for anything else (a bare host included). */
export function parseAllowEntry(entry: string): AllowedEndpoint | undefined {
  const match = ENTRY.exec(entry.trim());
  if (!match) return undefined;
  const port = match[2] === '*' ? '*' : Number(match[2]);
  if (port !== '*' && (port < 1 || port > 65535)) return undefined;
  return { host: canonicalHost(match[1]), port };
}

export function formatAllowEntry({ host, port }: AllowedEndpoint): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The port a URL connects to, its scheme's default included. */
export function portOf(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

export function isAllowed(host: string, port: number, allow: readonly AllowedEndpoint[]): boolean {
  const wanted = canonicalHost(host);
  return allow.some((entry) => entry.host === wanted && (entry.port === '*' || entry.port === port));
}
