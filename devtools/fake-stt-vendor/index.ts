import { listenOnLoopback } from '../shared/loopback-server';
import { close } from '../../src/infra/http/server';
import { DEFAULT_FAKE_STT_VENDOR_OPTIONS, FakeSttVendorOptionsError, mergeOptions, type FakeSttVendorOptions, type FakeSttVendorOptionsPatch } from './options';
import { createFakeSttVendorHandler } from './server';
import { FakeSttVendorState } from './state';
import type { JobTimes } from './jobs';
import type { FakeSttVendorStats } from './stats';

/**
 * A fake speech-to-text vendor on real loopback HTTP, for local runs and tests: RTZR (VITO) batch
 * STT (submit, then poll) and, on the same server, an OpenAI-compatible synchronous
 * `POST /v1/audio/transcriptions` (base URL `${url}/v1`). `admin` changes knobs and reads
 * counters in-process; the same is available over HTTP under /admin.
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
  /** Each job's accepted, ready and result-fetched times (epoch ms), for benchmarks' breakdowns. */
  jobTimes(): JobTimes[];
}

export interface FakeSttVendor {
  url: string;
  admin: FakeSttVendorAdmin;
  stop(): Promise<void>;
}

export async function startFakeSttVendor(options: StartFakeSttVendorOptions = {}): Promise<FakeSttVendor> {
  const { host = '127.0.0.1', port = 0, now, ...knobs } = options;
  const state = new FakeSttVendorState(mergeOptions(DEFAULT_FAKE_STT_VENDOR_OPTIONS, knobs), now);
  const { server, url } = await listenOnLoopback(createFakeSttVendorHandler(state), {
    host,
    port,
    setting: 'FAKE_STT_PORT',
    onConnection: (opened) => (opened ? state.connectionOpened() : state.connectionClosed()),
    refuse: (message) => new FakeSttVendorOptionsError(message),
  });
  return {
    url,
    admin: {
      stats: () => state.stats(),
      options: () => state.options,
      configure: (patch) => state.configure(patch),
      reset: () => state.reset(),
      expireTokens: () => state.expireTokens(),
      jobTimes: () => state.jobTimes(),
    },
    stop: () => close(server),
  };
}

export { DEFAULT_FAKE_STT_VENDOR_OPTIONS, FakeSttVendorOptionsError, type FakeSttVendorOptions, type FakeSttVendorOptionsPatch };
export type { FakeSttVendorStats };
