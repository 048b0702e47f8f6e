import { z } from 'zod';
import { PIPELINES, type PipelineSettings } from '../pipelines';
import { ConfigError } from './errors';
import { platformSettings, type PlatformConfig } from './platform';

/**
 * The only place that reads the environment: the platform's slice plus one slice per registered
 * pipeline. Everything else receives typed settings. A bad setting fails start-up with one line
 * that names the variable.
 */
export interface Config extends PlatformConfig {
  pipelines: PipelineSettings;
}

export { ConfigError } from './errors';
export type { PlatformConfig } from './platform';

function parse<T>(schema: z.ZodType<T>, present: Record<string, string>): T {
  const parsed = schema.safeParse(present);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = String(issue.path[0]);
  throw new ConfigError(`${name}: ${issue.message} (got ${JSON.stringify(present[name] ?? null)})`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
  const pipelines = Object.fromEntries(PIPELINES.map((p) => [p.name, parse(p.settings, present)])) as PipelineSettings;
  return { ...parse(platformSettings, present), pipelines };
}

/** Every environment variable the configuration understands (the compose-file test checks against it). */
export const CONFIG_VARIABLES: readonly string[] = [platformSettings, ...PIPELINES.map((p) => p.settings)].flatMap((s) => Object.keys(s.in.shape));
