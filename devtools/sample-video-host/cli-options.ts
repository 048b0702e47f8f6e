import { ConfigError } from '../../src/config';
import { knobUsageLines, namingSources, parseKnobs, type KnobKind, type KnobSpec } from '../shared/cli-knobs';
import { DEFAULT_SAMPLE_VIDEO_HOST_OPTIONS, mergeOptions, SampleVideoHostOptionsError, type SampleVideoHostOptions } from './options';
import type { StartSampleVideoHostOptions } from './index';

/** Flags and environment for the sample video host's CLI: `--latency-ms` or `SAMPLE_VIDEO_HOST_LATENCY_MS`, a flag wins; `resetByName` takes JSON. */

const KNOB_KINDS: Record<keyof SampleVideoHostOptions, KnobKind> = {
  latencyMs: 'number',
  bandwidthBytesPerSecond: 'number',
  resetAfterBytes: 'number',
  resetTimes: 'number',
  resetByName: 'json',
  resetStyle: 'string',
  rangeSupported: 'boolean',
  rangeFrom: 'string',
  hang: 'string',
  defaultSizeBytes: 'number',
  maxSizeBytes: 'number',
};

export const DEFAULT_SAMPLE_VIDEO_HOST_PORT = 4020;
const SPEC: KnobSpec = { envPrefix: 'SAMPLE_VIDEO_HOST', kinds: { host: 'string', port: 'number', ...KNOB_KINDS } };

export type SampleVideoHostCli = { help: true } | { help: false; options: StartSampleVideoHostOptions };

export function parseSampleVideoHostCli(argv: string[], env: NodeJS.ProcessEnv): SampleVideoHostCli {
  const { help, values } = parseKnobs(argv, env, SPEC);
  if (help) return { help: true };
  const { host, port, ...knobs } = values as { host?: string; port?: number } & Record<string, unknown>;
  try {
    mergeOptions(DEFAULT_SAMPLE_VIDEO_HOST_OPTIONS, knobs);
  } catch (err) {
    if (err instanceof SampleVideoHostOptionsError) throw new ConfigError(namingSources(err.message, SPEC));
    throw err;
  }
  return { help: false, options: { host, port: port ?? DEFAULT_SAMPLE_VIDEO_HOST_PORT, ...knobs } };
}

export function sampleVideoHostUsage(): string {
  return [
    'Sample video host: generated media, .asx playlists, redirects and faults on loopback HTTP.',
    'Usage: npm run sample-video-host -- [--flag value]...   (flags win over environment variables)',
    '',
    ...knobUsageLines(SPEC, { host: '127.0.0.1', port: DEFAULT_SAMPLE_VIDEO_HOST_PORT, ...DEFAULT_SAMPLE_VIDEO_HOST_OPTIONS }),
    '',
    'hang: off | media | playlist | redirect | status | flaky | all;  reset-style: close | rst',
    'reset-by-name: JSON, e.g. \'{"big":{"afterBytes":6000000,"times":1}}\'',
    'Routes: /media/<name>.mp4?size=  /flaky/<name>.mp4?size=&fail=  /playlists/<name>.asx?target=&variant=',
    '        /redirect/<n>?to=  /status/<code>',
    'Live admin API: GET /admin/stats, GET|POST /admin/config (JSON patch), POST /admin/reset',
  ].join('\n');
}
