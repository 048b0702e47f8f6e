/** Which URLs a crawl follows links to: those on a seed's host (name and port), nowhere else. */
export function sameHost(a: string, b: string): boolean {
  return new URL(a).host === new URL(b).host;
}

export function inScope(url: string, seedUrls: readonly string[]): boolean {
  const host = new URL(url).host;
  return seedUrls.some((seed) => new URL(seed).host === host);
}
