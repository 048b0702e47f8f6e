import ipaddr from 'ipaddr.js';
import { ConfigError } from './errors';

/** Whether an API_HOST value only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  if (host.toLowerCase() === 'localhost') return true;
  if (!ipaddr.isValid(host)) return false;
  const parsed = ipaddr.process(host);
  return parsed.range() === 'loopback';
}

/**
 * Mutating endpoints open to a network are a misconfiguration, not a default: an API listening
 * beyond loopback needs API_KEYS, or API_AUTH=none to say that openness is intended.
 */
export function assertApiExposureIntended(api: { host: string; apiKeys: readonly string[]; auth: 'keys' | 'none' }): void {
  if (api.apiKeys.length > 0 || api.auth === 'none' || isLoopbackHost(api.host)) return;
  throw new ConfigError(`API_KEYS: required when API_HOST=${api.host} is not loopback (or set API_AUTH=none to serve /api/* without keys)`);
}
