import { ConfigError } from '../../src/config';
import { knobUsageLines, namingSources, parseKnobs, type KnobKind, type KnobSpec } from '../shared/cli-knobs';
import { DEFAULT_FAKE_STT_VENDOR_OPTIONS, FakeSttVendorOptionsError, mergeOptions, type FakeSttVendorOptions } from './options';
import type { StartFakeSttVendorOptions } from './index';

/** Flags and environment for the fake vendor's CLI: `--processing-ms` or `FAKE_STT_PROCESSING_MS`, a flag wins. */

const KNOB_KINDS: Record<keyof FakeSttVendorOptions, KnobKind> = {
  processingMs: 'number',
  maxConcurrentJobs: 'number',
  minPollIntervalMs: 'number',
  random429Rate: 'number',
  random429Code: 'string',
  random500Rate: 'number',
  failureRate: 'number',
  seed: 'number',
  retryAfter: 'boolean',
  retryAfterSeconds: 'number',
  retryAfterFormat: 'string',
  tokenLifetimeMs: 'number',
  resultTtlMs: 'number',
  quotaExhausted: 'boolean',
  hang: 'string',
  maxFileBytes: 'number',
  maxAudioSeconds: 'number',
  clientId: 'string',
  clientSecret: 'string',
  apiKey: 'string',
};

export const DEFAULT_FAKE_STT_PORT = 4010;
const SPEC: KnobSpec = { envPrefix: 'FAKE_STT', kinds: { host: 'string', port: 'number', ...KNOB_KINDS } };

export type FakeSttVendorCli = { help: true } | { help: false; options: StartFakeSttVendorOptions };

export function parseFakeSttVendorCli(argv: string[], env: NodeJS.ProcessEnv): FakeSttVendorCli {
  const { help, values } = parseKnobs(argv, env, SPEC);
  if (help) return { help: true };
  const { host, port, ...knobs } = values as { host?: string; port?: number } & Record<string, unknown>;
  try {
    mergeOptions(DEFAULT_FAKE_STT_VENDOR_OPTIONS, knobs);
  } catch (err) {
    if (err instanceof FakeSttVendorOptionsError) throw new ConfigError(namingSources(err.message, SPEC));
    throw err;
  }
  return { help: false, options: { host, port: port ?? DEFAULT_FAKE_STT_PORT, ...knobs } };
}

export function fakeSttVendorUsage(): string {
  return [
    'Fake speech-to-text vendor on loopback HTTP: RTZR (VITO) batch STT under /v1/authenticate and /v1/transcribe,',
    'and an OpenAI-compatible POST /v1/audio/transcriptions on the same server.',
    'Usage: npm run fake-stt-vendor -- [--flag value]...   (flags win over environment variables)',
    '',
    ...knobUsageLines(SPEC, { host: '127.0.0.1', port: DEFAULT_FAKE_STT_PORT, ...DEFAULT_FAKE_STT_VENDOR_OPTIONS }),
    '',
    'Live admin API: GET /admin/stats, GET|POST /admin/config (JSON patch), POST /admin/reset, POST /admin/expire-tokens',
  ].join('\n');
}
