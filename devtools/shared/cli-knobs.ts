import { parseArgs } from 'node:util';
import { ConfigError } from '../../src/config';

/**
 * Command-line and environment parsing shared by the dev tools: every knob gets a flag
 * (`latencyMs` → `--latency-ms`) and a variable (`<PREFIX>_LATENCY_MS`); a flag wins.
 */
export type KnobKind = 'number' | 'boolean' | 'string' | 'json';

export interface KnobSpec {
  envPrefix: string;
  /** Knobs and server settings (host, port), by option name. */
  kinds: Readonly<Record<string, KnobKind>>;
}

const words = (key: string) => key.replace(/([a-z])([A-Z\d])/g, '$1 $2').replace(/(\d)([A-Z])/g, '$1 $2').toLowerCase().split(' ');
export const flagName = (key: string) => words(key).join('-');
export const envName = (spec: KnobSpec, key: string) => `${spec.envPrefix}_${words(key).join('_').toUpperCase()}`;

function coerce(text: string, kind: KnobKind, source: string): unknown {
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

/** The knobs set by flags or environment, typed by kind; `help` when -h/--help was given. */
export function parseKnobs(argv: string[], env: NodeJS.ProcessEnv, spec: KnobSpec): { help: boolean; values: Record<string, unknown> } {
  const flagOptions = Object.fromEntries(Object.keys(spec.kinds).map((key) => [flagName(key), { type: 'string' as const }]));
  const parsed = parseArgs({ args: argv, options: { ...flagOptions, help: { type: 'boolean', short: 'h' } }, strict: true });
  const given = parsed.values as Record<string, string | boolean | undefined>;
  const values: Record<string, unknown> = {};
  for (const [key, kind] of Object.entries(spec.kinds)) {
    const fromFlag = given[flagName(key)];
    const text = typeof fromFlag === 'string' ? fromFlag : env[envName(spec, key)];
    if (text === undefined || text === '') continue;
    values[key] = coerce(text, kind, typeof fromFlag === 'string' ? `--${flagName(key)}` : envName(spec, key));
  }
  return { help: given.help === true, values };
}

/** Turns "latencyMs: ..." (or "resetByName.big.afterBytes: ...") into "--latency-ms / PREFIX_LATENCY_MS: ...". */
export function namingSources(message: string, spec: KnobSpec): string {
  const path = message.split(':')[0];
  const key = path.split('.')[0];
  if (!(key in spec.kinds)) return message;
  return `--${flagName(key)} / ${envName(spec, key)}${path.length > key.length ? ` (${path})` : ''}${message.slice(path.length)}`;
}

/** One usage line per knob: flag, variable and default. */
export function knobUsageLines(spec: KnobSpec, defaults: Readonly<Record<string, unknown>>): string[] {
  const flagWidth = Math.max(...Object.keys(spec.kinds).map((k) => flagName(k).length)) + 2;
  const envWidth = Math.max(...Object.keys(spec.kinds).map((k) => envName(spec, k).length)) + 2;
  return Object.keys(spec.kinds).map((key) => {
    const fallback = defaults[key];
    const shown = fallback === undefined ? '(any)' : fallback === null ? 'off' : typeof fallback === 'object' ? JSON.stringify(fallback) : String(fallback);
    return `  --${flagName(key).padEnd(flagWidth)} ${envName(spec, key).padEnd(envWidth)} default ${shown}`;
  });
}
