/** Longest excerpt of a bad value quoted back in a rejection reason. */
const MAX_QUOTED = 120;

/**
 * A user's value quoted for a rejection reason, cut short: the reason is stored per row and
 * shown in the API, and a megabyte-long cell must not be copied into either.
 */
export function quoted(value: string): string {
  const shown = value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value;
  return JSON.stringify(shown);
}
