import { ConfigError } from '../../src/config';
import { knobUsageLines, namingSources, parseKnobs, type KnobKind, type KnobSpec } from '../shared/cli-knobs';
import { DEFAULT_FAKE_MODEL_SERVER_OPTIONS, FakeModelServerOptionsError, mergeModelOptions, type FakeModelServerOptions } from './options';
import type { StartFakeModelServerOptions } from './index';

/** Flags and environment for the fake model server's CLI: `--token-latency-ms` or `FAKE_LLM_TOKEN_LATENCY_MS`, a flag wins. */

const KNOB_KINDS: Record<keyof FakeModelServerOptions, KnobKind> = {
  tokenLatencyMs: 'number',
  tokensPerChunk: 'number',
  maxConcurrentRequests: 'number',
  retryAfterSeconds: 'number',
  unavailableRate: 'number',
  unavailableNext: 'number',
  malformedRate: 'number',
  malformedNext: 'number',
  hangRate: 'number',
  hangNext: 'number',
  invalidJsonRate: 'number',
  invalidJsonNext: 'number',
  seed: 'number',
  apiKey: 'string',
};

export const DEFAULT_FAKE_LLM_PORT = 4030;
const SPEC: KnobSpec = { envPrefix: 'FAKE_LLM', kinds: { host: 'string', port: 'number', ...KNOB_KINDS } };

export type FakeModelServerCli = { help: true } | { help: false; options: StartFakeModelServerOptions };

export function parseFakeModelServerCli(argv: string[], env: NodeJS.ProcessEnv): FakeModelServerCli {
  const { help, values } = parseKnobs(argv, env, SPEC);
  if (help) return { help: true };
  const { host, port, ...knobs } = values as { host?: string; port?: number } & Record<string, unknown>;
  try {
    mergeModelOptions(DEFAULT_FAKE_MODEL_SERVER_OPTIONS, knobs);
  } catch (err) {
    if (err instanceof FakeModelServerOptionsError) throw new ConfigError(namingSources(err.message, SPEC));
    throw err;
  }
  return { help: false, options: { host, port: port ?? DEFAULT_FAKE_LLM_PORT, ...knobs } };
}

export function fakeModelServerUsage(): string {
  return [
    'Fake OpenAI-compatible model server on loopback HTTP: POST /v1/chat/completions (streaming or not), deterministic answers.',
    'Usage: npm run fake-model-server -- [--flag value]...   (flags win over environment variables)',
    '',
    ...knobUsageLines(SPEC, { host: '127.0.0.1', port: DEFAULT_FAKE_LLM_PORT, ...DEFAULT_FAKE_MODEL_SERVER_OPTIONS }),
    '',
    'Live admin API: GET /admin/stats, GET|POST /admin/config (JSON patch, e.g. {"hangNext": 1}), POST /admin/reset',
  ].join('\n');
}
