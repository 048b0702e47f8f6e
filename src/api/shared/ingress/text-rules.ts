import { invalidField } from './errors';

/**
 * PostgreSQL text cannot hold NUL, file systems refuse it in names and most logs cut at it: a
 * NUL from a client is refused where it enters, never found later as a 500.
 */
export const NUL_MESSAGE = 'must not contain a NUL character (\\u0000)';

export const hasNul = (value: string): boolean => value.includes('\u0000');

export function assertNoNul(value: string, field: string): void {
  if (hasNul(value)) throw invalidField(field, NUL_MESSAGE);
}

/** `a.b`, `a[0]`, or `a["odd key"]` for a key that is not a plain identifier. */
export function fieldPath(base: string, path: ReadonlyArray<string | number>): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    return /^[A-Za-z_$][\w$]*$/.test(key) ? `${acc}.${key}` : `${acc}[${JSON.stringify(key)}]`;
  }, base);
}

/**
 * The display name of a fetched file: the URL's last path segment, percent-decoded. A segment that
 * does not decode, or decodes to a NUL, is the client's mistake (400 naming `field`), not ours.
 */
export function filenameFromUrl(url: URL, field: string, fallback: string): string {
  const segment = url.pathname.split('/').pop() ?? '';
  let name: string;
  try {
    name = decodeURIComponent(segment);
  } catch {
    throw invalidField(field, `the file name ${JSON.stringify(segment)} is not valid percent-encoding`);
  }
  if (hasNul(name)) throw invalidField(field, `the file name ${NUL_MESSAGE}`);
  return name || fallback;
}
