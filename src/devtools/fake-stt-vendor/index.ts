import type { AddressInfo } from 'node:net';
import { close, listen } from '../../stack/http-server';
import { DEFAULT_FAKE_STT_VENDOR_OPTIONS, FakeSttVendorOptionsError, mergeOptions, type FakeSttVendorOptions, type FakeSttVendorOptionsPatch } from './options';
import { createFakeSttVendorHandler } from './server';
import { FakeSttVendorState } from './state';
import type { FakeSttVendorStats } from './stats';

/**
 * A fake RTZR (VITO) batch speech-to-text vendor on real loopback HTTP, for local runs and tests.
 * `admin` changes knobs and reads counters in-process; the same is available over HTTP under /admin.
 */

export interface StartFakeSttVendorOptions extends FakeSttVendorOptionsPatch {
  /** Loopback only: the fake has no authentication on its admin API. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Clock for job progress, token expiry and Retry-After windows. */
  now?: () => number;
}

export interface FakeSttVendorAdmin {
  stats(): FakeSttVendorStats;
  options(): FakeSttVendorOptions;
  configure(patch: FakeSttVendorOptionsPatch): FakeSttVendorOptions;
  /** Forgets jobs, tokens, counters and Retry-After windows; keeps the options. */
  reset(): void;
  /** Invalidates every issued token, so the next call with one gets 401 H0002. */
  expireTokens(): void;
}

export interface FakeSttVendor {
  url: string;
  admin: FakeSttVendorAdmin;
  stop(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

export async function startFakeSttVendor(options: StartFakeSttVendorOptions = {}): Promise<FakeSttVendor> {
  const { host = '127.0.0.1', port = 0, now, ...knobs } = options;
  if (!LOOPBACK_HOSTS.has(host)) throw new FakeSttVendorOptionsError(`host: the fake vendor listens on loopback only (got ${host})`);
  const state = new FakeSttVendorState(mergeOptions(DEFAULT_FAKE_STT_VENDOR_OPTIONS, knobs), now);
  const server = await listen(createFakeSttVendorHandler(state), host, port, 'FAKE_STT_PORT');
  server.on('connection', (socket) => {
    state.connectionOpened();
    socket.once('close', () => state.connectionClosed());
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}`,
    admin: {
      stats: () => state.stats(),
      options: () => state.options,
      configure: (patch) => state.configure(patch),
      reset: () => state.reset(),
      expireTokens: () => state.expireTokens(),
    },
    stop: () => close(server),
  };
}

export { DEFAULT_FAKE_STT_VENDOR_OPTIONS, FakeSttVendorOptionsError, type FakeSttVendorOptions, type FakeSttVendorOptionsPatch };
export type { FakeSttVendorStats };
