import { readFileSync } from 'node:fs';
import net from 'node:net';

/** True when something already listens on host:port. */
export function isPortInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`${what} was not ready within ${Math.round(timeoutMs / 1000)} s${reason}`);
}

/**
 * Ports this process has handed out. Each is released before its listener binds it, so the system
 * may offer it again meanwhile; two listeners told the same port would collide.
 */
const handedOut = new Set<number>();

/** A port that was free a moment ago and not handed out before, for internal listeners that must be told a fixed address. */
export async function findFreePort(): Promise<number> {
  for (;;) {
    const port = await anyFreePort();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

const LOWEST_HANDED_OUT_PORT = 10_000;

/**
 * Where handed-out ports are drawn from: below the range the system takes the local ports of
 * outgoing connections from (ip_local_port_range). A port from that range may, by the time its
 * listener binds it, be some connection's local port, and the bind fails with EADDRINUSE: a
 * launcher test told its ports a minute earlier met this in a busy test run. Undefined where the
 * range is unknown or leaves too little room below it; the system then picks (port 0).
 */
function handedOutRange(): { from: number; to: number } | undefined {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low - LOWEST_HANDED_OUT_PORT >= 1_000 ? { from: LOWEST_HANDED_OUT_PORT, to: low - 1 } : undefined;
  } catch {
    return undefined;
  }
}

const range = handedOutRange();

async function anyFreePort(): Promise<number> {
  if (!range) return (await bindAndRelease(0))!;
  for (;;) {
    const port = await bindAndRelease(range.from + Math.floor(Math.random() * (range.to - range.from + 1)));
    if (port !== undefined) return port;
  }
}

/** Binds `port` on every address (0: any port) and releases it; undefined when it is taken. */
function bindAndRelease(port: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' || err.code === 'EACCES' ? resolve(undefined) : reject(err)));
    server.listen(port, () => {
      const bound = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(bound));
    });
  });
}
