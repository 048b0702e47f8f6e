import robotsParser from 'robots-parser';

/**
 * robots.txt (RFC 9309) as the crawler obeys it. The file's outcome decides first: rules when it
 * was read, everything allowed when the host has none (a 4xx), nothing allowed when it could not
 * be read (5xx, unreachable), since the rules might forbid what we would fetch.
 */
export type RobotsOutcome = 'PARSED' | 'NONE' | 'UNAVAILABLE';

export interface RobotsRules {
  outcome: RobotsOutcome;
  /** The robots.txt URL the body came from (its origin is the one the rules cover). */
  robotsUrl: string;
  body: string;
}

/** Longest robots.txt read; RFC 9309 asks crawlers to parse at least 500 KiB. */
export const ROBOTS_MAX_BYTES = 512 * 1024;

export function robotsUrlFor(pageUrl: string): string {
  return new URL('/robots.txt', pageUrl).href;
}

/** What `outcome` a robots.txt fetch that answered `status` has. */
export function robotsOutcomeForStatus(status: number): RobotsOutcome {
  if (status >= 200 && status < 300) return 'PARSED';
  // 429 says "slow down", not "no rules": treated as unreachable, as Google's crawler does.
  if (status >= 400 && status < 500 && status !== 429) return 'NONE';
  return 'UNAVAILABLE';
}

/**
 * Whether `url` may be fetched by `userAgent` (its product token, before any `/`, is what the
 * groups are matched against). A URL of another origin than the rules' is never allowed by them.
 */
export function robotsAllow(rules: RobotsRules, url: string, userAgent: string): boolean {
  if (new URL(url).origin !== new URL(rules.robotsUrl).origin) return false;
  if (rules.outcome === 'NONE') return true;
  if (rules.outcome === 'UNAVAILABLE') return false;
  return robotsParser(rules.robotsUrl, rules.body).isAllowed(url, userAgent) !== false;
}

/** Longest Crawl-delay obeyed: a larger one would stall the crawl of that host for good. */
export const MAX_CRAWL_DELAY_MS = 60_000;

/** The rules' Crawl-delay for `userAgent` in milliseconds (0 when none), at most MAX_CRAWL_DELAY_MS. */
export function robotsCrawlDelayMs(rules: RobotsRules, userAgent: string): number {
  if (rules.outcome !== 'PARSED') return 0;
  const seconds = Number(robotsParser(rules.robotsUrl, rules.body).getCrawlDelay(userAgent) ?? 0);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(Math.round(seconds * 1000), MAX_CRAWL_DELAY_MS) : 0;
}
