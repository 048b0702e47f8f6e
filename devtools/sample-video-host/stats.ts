import { HOST_ROUTES, type HostRoute } from './options';

/**
 * What `GET /admin/stats` reports. "Name" is a media file name (`/media/<name>.mp4` and
 * `/flaky/<name>.mp4` share it, as they share bytes). Admin requests are never counted.
 */
export interface SampleVideoHostStats {
  /** Every non-admin request that arrived, answered or not. `byName` covers media and flaky requests. */
  requests: { total: number; byRoute: Record<HostRoute | 'unknown', number>; byPath: Record<string, number>; byName: Record<string, number> };
  /** Body bytes the socket accepted (counted when each write completes), so a reset response counts what it sent. */
  bytesServed: { total: number; byName: Record<string, number> };
  /** Requests carrying a Range header, honoured or not; `starts` lists first-byte offsets in arrival order (latest 1000). */
  rangeRequests: { total: number; byName: Record<string, { count: number; starts: number[] }> };
  /** Status codes sent, by code ("200", "206", "302", …). Hung requests send none. */
  statuses: Record<string, number>;
  /** Responses this host cut off mid-body on purpose. */
  resets: { total: number; byName: Record<string, number> };
  /** Responses the client abandoned before the body was complete. */
  clientAborts: number;
  hungRequests: number;
  /** TCP connections from clients: shows whether a client bounds and reuses its connections. */
  connections: { open: number; total: number; maxOpenObserved: number };
}

const STARTS_LIMIT = 1000;

const bump = (counts: Record<string, number>, key: string, by = 1) => {
  counts[key] = (counts[key] ?? 0) + by;
};

export class HostCounters {
  private data: SampleVideoHostStats = emptyStats();

  /** Connections outlive a stats reset, so the open count is carried over. */
  clear(): void {
    const open = this.data.connections.open;
    this.data = emptyStats();
    this.data.connections.open = open;
    this.data.connections.maxOpenObserved = open;
  }

  arrived(route: HostRoute | 'unknown', path: string, name?: string): void {
    this.data.requests.total++;
    this.data.requests.byRoute[route]++;
    bump(this.data.requests.byPath, path);
    if (name !== undefined) bump(this.data.requests.byName, name);
  }

  rangeRequested(name: string, start: number | undefined): void {
    this.data.rangeRequests.total++;
    const entry = (this.data.rangeRequests.byName[name] ??= { count: 0, starts: [] });
    entry.count++;
    if (start === undefined) return;
    entry.starts.push(start);
    if (entry.starts.length > STARTS_LIMIT) entry.starts.shift();
  }

  responded(status: number): void {
    bump(this.data.statuses, String(status));
  }

  served(name: string, bytes: number): void {
    this.data.bytesServed.total += bytes;
    bump(this.data.bytesServed.byName, name, bytes);
  }

  resetPerformed(name: string): void {
    this.data.resets.total++;
    bump(this.data.resets.byName, name);
  }

  clientAborted(): void {
    this.data.clientAborts++;
  }

  hung(): void {
    this.data.hungRequests++;
  }

  connectionOpened(): void {
    const c = this.data.connections;
    c.open++;
    c.total++;
    c.maxOpenObserved = Math.max(c.maxOpenObserved, c.open);
  }

  connectionClosed(): void {
    this.data.connections.open = Math.max(0, this.data.connections.open - 1);
  }

  /** A deep copy, so callers can keep a snapshot and compare it with a later one. */
  snapshot(): SampleVideoHostStats {
    return structuredClone(this.data);
  }
}

function emptyStats(): SampleVideoHostStats {
  const byRoute = Object.fromEntries([...HOST_ROUTES, 'unknown'].map((r) => [r, 0])) as Record<HostRoute | 'unknown', number>;
  return {
    requests: { total: 0, byRoute, byPath: {}, byName: {} },
    bytesServed: { total: 0, byName: {} },
    rangeRequests: { total: 0, byName: {} },
    statuses: {},
    resets: { total: 0, byName: {} },
    clientAborts: 0,
    hungRequests: 0,
    connections: { open: 0, total: 0, maxOpenObserved: 0 },
  };
}
