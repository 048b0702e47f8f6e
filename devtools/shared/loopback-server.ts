import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { listen } from '../../src/infra/http/server';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Starts a dev tool's HTTP server. Dev tools stand in for third parties and accept any knob, so
 * they only ever listen on loopback. `onConnection` lets a tool count connections.
 */
export async function listenOnLoopback(
  handler: http.RequestListener,
  opts: { host: string; port: number; setting: string; onConnection(opened: boolean): void; refuse(message: string): Error },
): Promise<{ server: http.Server; url: string }> {
  if (!LOOPBACK_HOSTS.has(opts.host)) throw opts.refuse(`host: listens on loopback only (got ${opts.host})`);
  const server = await listen(handler, opts.host, opts.port, opts.setting);
  server.on('connection', (socket) => {
    opts.onConnection(true);
    socket.once('close', () => opts.onConnection(false));
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { server, url: `http://${urlHost}:${address.port}` };
}
