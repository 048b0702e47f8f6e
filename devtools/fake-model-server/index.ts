import { close } from '../../src/infra/http/server';
import { listenOnLoopback } from '../shared/loopback-server';
import { DEFAULT_FAKE_MODEL_SERVER_OPTIONS, FakeModelServerOptionsError, mergeModelOptions, type FakeModelServerOptions, type FakeModelServerOptionsPatch } from './options';
import { createFakeModelServerHandler } from './server';
import { FakeModelServerState, type FakeModelServerStats } from './state';

/**
 * A fake OpenAI-compatible model server on real loopback HTTP, for local runs, tests and the
 * bench: deterministic feedback answers, streamed in chunks, with knobs for latency, a
 * concurrency limit (429), 503s, malformed chunks, hangs and invalid answers. Base URL `${url}/v1`.
 */

export interface StartFakeModelServerOptions extends FakeModelServerOptionsPatch {
  /** Loopback only: the admin API has no authentication. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
}

export interface FakeModelServer {
  url: string;
  admin: {
    stats(): FakeModelServerStats;
    options(): FakeModelServerOptions;
    configure(patch: FakeModelServerOptionsPatch): FakeModelServerOptions;
    /** Forgets counters; keeps the options. */
    reset(): void;
  };
  stop(): Promise<void>;
}

export async function startFakeModelServer(options: StartFakeModelServerOptions = {}): Promise<FakeModelServer> {
  const { host = '127.0.0.1', port = 0, ...knobs } = options;
  const state = new FakeModelServerState(mergeModelOptions(DEFAULT_FAKE_MODEL_SERVER_OPTIONS, knobs));
  const { server, url } = await listenOnLoopback(createFakeModelServerHandler(state), {
    host,
    port,
    setting: 'FAKE_LLM_PORT',
    onConnection: () => undefined,
    refuse: (message) => new FakeModelServerOptionsError(message),
  });
  return {
    url,
    admin: { stats: () => state.stats(), options: () => state.options, configure: (patch) => state.configure(patch), reset: () => state.reset() },
    // Hung streams would hold close() forever: cut every connection.
    stop: async () => {
      server.closeAllConnections();
      await close(server);
    },
  };
}

export { DEFAULT_FAKE_MODEL_SERVER_OPTIONS, FakeModelServerOptionsError, type FakeModelServerOptions, type FakeModelServerOptionsPatch, type FakeModelServerStats };
