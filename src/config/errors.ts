/** A setting that cannot work; the message names the variable, so start-up fails with one line. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
