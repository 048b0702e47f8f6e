import { parseArgs } from 'node:util';
import { ConfigError } from '../../config';
import { DEFAULT_SAMPLE_VIDEO_HOST_OPTIONS, mergeOptions, SampleVideoHostOptionsError, type SampleVideoHostOptions } from './options';
import type { StartSampleVideoHostOptions } from './index';

/**
 * Flags and environment for the sample video host's CLI. Every knob has a flag (`--latency-ms`)
 * and a variable (`SAMPLE_VIDEO_HOST_LATENCY_MS`) derived from its option name; a flag wins over
 * the variable. `resetByName` takes JSON.
 */

type Kind = 'number' | 'boolean' | 'string' | 'json';

const KNOB_KINDS: Record<keyof SampleVideoHostOptions, Kind> = {
  latencyMs: 'number',
  bandwidthBytesPerSecond: 'number',
  resetAfterBytes: 'number',
  resetTimes: 'number',
  resetByName: 'json',
  resetStyle: 'string',
  rangeSupported: 'boolean',
  hang: 'string',
  defaultSizeBytes: 'number',
  maxSizeBytes: 'number',
};

const SERVER_KINDS = { host: 'string', port: 'number' } as const;
export const DEFAULT_SAMPLE_VIDEO_HOST_PORT = 4020;

const words = (key: string) => key.replace(/([a-z])([A-Z\d])/g, '$1 $2').replace(/(\d)([A-Z])/g, '$1 $2').toLowerCase().split(' ');
const flagName = (key: string) => words(key).join('-');
const envName = (key: string) => `SAMPLE_VIDEO_HOST_${words(key).join('_').toUpperCase()}`;

export type SampleVideoHostCli = { help: true } | { help: false; options: StartSampleVideoHostOptions };

export function parseSampleVideoHostCli(argv: string[], env: NodeJS.ProcessEnv): SampleVideoHostCli {
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
    mergeOptions(DEFAULT_SAMPLE_VIDEO_HOST_OPTIONS, knobs);
  } catch (err) {
    if (err instanceof SampleVideoHostOptionsError) throw new ConfigError(namingSources(err.message));
    throw err;
  }
  return { help: false, options: { host, port: port ?? DEFAULT_SAMPLE_VIDEO_HOST_PORT, ...knobs } };
}

function coerce(text: string, kind: Kind, source: string): unknown {
  if (kind === 'string') return text;
  if (kind === 'json') {
    try {
      return JSON.parse(text);
    } catch {
      throw new ConfigError(`${source}: must be JSON (got ${JSON.stringify(text)})`);
    }
  }
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

/** Turns "latencyMs: ..." (or "resetByName.big.afterBytes: ...") into "--latency-ms / SAMPLE_VIDEO_HOST_LATENCY_MS: ...". */
function namingSources(message: string): string {
  const path = message.split(':')[0];
  const key = path.split('.')[0];
  return key in KNOB_KINDS ? `--${flagName(key)} / ${envName(key)}${path.length > key.length ? ` (${path})` : ''}${message.slice(path.length)}` : message;
}

export function sampleVideoHostUsage(): string {
  const lines = Object.keys({ ...SERVER_KINDS, ...KNOB_KINDS }).map((key) => {
    const fallback =
      key === 'port' ? DEFAULT_SAMPLE_VIDEO_HOST_PORT : key === 'host' ? '127.0.0.1' : DEFAULT_SAMPLE_VIDEO_HOST_OPTIONS[key as keyof SampleVideoHostOptions];
    const shown = fallback === null ? 'off' : typeof fallback === 'object' ? JSON.stringify(fallback) : String(fallback);
    return `  --${flagName(key).padEnd(28)} ${envName(key).padEnd(44)} default ${shown}`;
  });
  return [
    'Sample video host: generated media, .asx playlists, redirects and faults on loopback HTTP.',
    'Usage: npm run sample-video-host -- [--flag value]...   (flags win over environment variables)',
    '',
    ...lines,
    '',
    'hang: off | media | playlist | redirect | status | flaky | all;  reset-style: close | rst',
    'reset-by-name: JSON, e.g. \'{"big":{"afterBytes":6000000,"times":1}}\'',
    'Routes: /media/<name>.mp4?size=  /flaky/<name>.mp4?size=&fail=  /playlists/<name>.asx?target=&variant=',
    '        /redirect/<n>?to=  /status/<code>',
    'Live admin API: GET /admin/stats, GET|POST /admin/config (JSON patch), POST /admin/reset',
  ].join('\n');
}
