import { parseArgs } from 'node:util';
import { ConfigError } from '../../config';
import { DEFAULT_FAKE_STT_VENDOR_OPTIONS, FakeSttVendorOptionsError, mergeOptions, type FakeSttVendorOptions } from './options';
import type { StartFakeSttVendorOptions } from './index';

/**
 * Flags and environment for the fake vendor's CLI. Every knob has a flag (`--processing-ms`) and a
 * variable (`FAKE_STT_PROCESSING_MS`) derived from its option name; a flag wins over the variable.
 */

type Kind = 'number' | 'boolean' | 'string';

const KNOB_KINDS: Record<keyof FakeSttVendorOptions, Kind> = {
  processingMs: 'number',
  maxConcurrentJobs: 'number',
  minPollIntervalMs: 'number',
  random429Rate: 'number',
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
};

const SERVER_KINDS = { host: 'string', port: 'number' } as const;
export const DEFAULT_FAKE_STT_PORT = 4010;

const words = (key: string) => key.replace(/([a-z])([A-Z\d])/g, '$1 $2').replace(/(\d)([A-Z])/g, '$1 $2').toLowerCase().split(' ');
const flagName = (key: string) => words(key).join('-');
const envName = (key: string) => `FAKE_STT_${words(key).join('_').toUpperCase()}`;

export type FakeSttVendorCli = { help: true } | { help: false; options: StartFakeSttVendorOptions };

export function parseFakeSttVendorCli(argv: string[], env: NodeJS.ProcessEnv): FakeSttVendorCli {
  const kinds: Record<string, Kind> = { ...SERVER_KINDS, ...KNOB_KINDS };
  const flagOptions = Object.fromEntries(Object.keys(kinds).map((key) => [flagName(key), { type: 'string' as const }]));
  const parsed = parseArgs({ args: argv, options: { ...flagOptions, help: { type: 'boolean', short: 'h' } }, strict: true });
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) return { help: true };
  const raw: Record<string, unknown> = {};
  for (const [key, kind] of Object.entries(kinds)) {
    const fromFlag = values[flagName(key)];
    const text = typeof fromFlag === 'string' ? fromFlag : env[envName(key)];
    if (text === undefined || text === '') continue;
    const source = typeof fromFlag === 'string' ? `--${flagName(key)}` : envName(key);
    raw[key] = coerce(text, kind, source);
  }
  const { host, port, ...knobs } = raw as { host?: string; port?: number } & Record<string, unknown>;
  try {
    mergeOptions(DEFAULT_FAKE_STT_VENDOR_OPTIONS, knobs);
  } catch (err) {
    if (err instanceof FakeSttVendorOptionsError) throw new ConfigError(namingSources(err.message));
    throw err;
  }
  return { help: false, options: { host, port: port ?? DEFAULT_FAKE_STT_PORT, ...knobs } };
}

function coerce(text: string, kind: Kind, source: string): string | number | boolean {
  if (kind === 'string') return text;
  if (kind === 'number') {
    const value = Number(text);
    if (!Number.isFinite(value)) throw new ConfigError(`${source}: must be a number (got ${JSON.stringify(text)})`);
    return value;
  }
  const lowered = text.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(lowered)) return true;
  if (['false', '0', 'no', 'off'].includes(lowered)) return false;
  throw new ConfigError(`${source}: must be true or false (got ${JSON.stringify(text)})`);
}

/** Turns "processingMs: ..." into "--processing-ms / FAKE_STT_PROCESSING_MS: ...". */
function namingSources(message: string): string {
  const key = message.split(':')[0];
  return key in KNOB_KINDS ? `--${flagName(key)} / ${envName(key)}${message.slice(key.length)}` : message;
}

export function fakeSttVendorUsage(): string {
  const lines = Object.keys({ ...SERVER_KINDS, ...KNOB_KINDS }).map((key) => {
    const fallback = key === 'port' ? DEFAULT_FAKE_STT_PORT : key === 'host' ? '127.0.0.1' : DEFAULT_FAKE_STT_VENDOR_OPTIONS[key as keyof FakeSttVendorOptions];
    return `  --${flagName(key).padEnd(22)} ${envName(key).padEnd(34)} default ${fallback ?? '(any)'}`;
  });
  return [
    'Fake RTZR (VITO) batch STT vendor on loopback HTTP.',
    'Usage: npm run fake-stt-vendor -- [--flag value]...   (flags win over environment variables)',
    '',
    ...lines,
    '',
    'Live admin API: GET /admin/stats, GET|POST /admin/config (JSON patch), POST /admin/reset, POST /admin/expire-tokens',
  ].join('\n');
}
