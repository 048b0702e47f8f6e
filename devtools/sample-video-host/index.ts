import { listenOnLoopback } from '../shared/loopback-server';
import { close } from '../../src/infra/http/server';
import {
  DEFAULT_SAMPLE_VIDEO_HOST_OPTIONS,
  mergeOptions,
  SampleVideoHostOptionsError,
  type SampleVideoHostOptions,
  type SampleVideoHostOptionsPatch,
} from './options';
import { createSampleVideoHostHandler } from './server';
import { SampleVideoHostState } from './state';
import type { SampleVideoHostStats } from './stats';

/**
 * A host of generated lecture videos on real loopback HTTP, for local runs and tests of the video
 * ETL: media of any size with Range, .asx playlists, redirects, error statuses, and knobs for the
 * network faults the original ETL died of. `admin` works in-process; the same is served under /admin.
 *
 * Routes (GET and HEAD):
 *   /media/<name>.mp4?size=<bytes>               deterministic bytes (see generator.ts), Range, ETag
 *   /flaky/<name>.mp4?size=&fail=<k>             500 for the first k requests of the name, then /media
 *   /playlists/<name>.asx?target=&variant=       ASX playlist (see asx.ts for how to resolve one)
 *   /redirect/<n>?to=<path or URL>[&status=]     n chained redirects, then `to`
 *   /status/<code>[/anything]                    that status
 * Admin: GET /admin/stats, GET|POST /admin/config (JSON patch), POST /admin/reset.
 */

export interface StartSampleVideoHostOptions extends SampleVideoHostOptionsPatch {
  /** Loopback only: the host has no authentication on its admin API. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
}

export interface SampleVideoHostAdmin {
  stats(): SampleVideoHostStats;
  options(): SampleVideoHostOptions;
  /** Applies a partial change live, also to responses already streaming (bandwidth). */
  configure(patch: SampleVideoHostOptionsPatch): SampleVideoHostOptions;
  /** Forgets counters, flaky counts and claimed resets; keeps the options. */
  reset(): void;
}

export interface SampleVideoHost {
  url: string;
  admin: SampleVideoHostAdmin;
  stop(): Promise<void>;
}

export async function startSampleVideoHost(options: StartSampleVideoHostOptions = {}): Promise<SampleVideoHost> {
  const { host = '127.0.0.1', port = 0, ...knobs } = options;
  const state = new SampleVideoHostState(mergeOptions(DEFAULT_SAMPLE_VIDEO_HOST_OPTIONS, knobs));
  const { server, url } = await listenOnLoopback(createSampleVideoHostHandler(state), {
    host,
    port,
    setting: 'SAMPLE_VIDEO_HOST_PORT',
    onConnection: (opened) => (opened ? state.counters.connectionOpened() : state.counters.connectionClosed()),
    refuse: (message) => new SampleVideoHostOptionsError(message),
  });
  return {
    url,
    admin: {
      stats: () => state.stats(),
      options: () => state.options,
      configure: (patch) => state.configure(patch),
      reset: () => state.reset(),
    },
    stop: () => close(server),
  };
}

export { ASX_VARIANTS, expectedResolution, type AsxVariant } from './asx';
export { expectedSha256, generateBytes } from './generator';
export { mediaPath } from './media';
export { DEFAULT_SAMPLE_VIDEO_HOST_OPTIONS, SampleVideoHostOptionsError, type SampleVideoHostOptions, type SampleVideoHostOptionsPatch };
export type { SampleVideoHostStats };
