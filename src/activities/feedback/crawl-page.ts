import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Pool } from 'pg';
import type { Dispatcher } from 'undici';
import { documentFingerprintText, parseChallengePage, resolveLink } from '../../domain/feedback/challenge-page';
import { robotsAllow } from '../../domain/feedback/robots';
import * as q from '../../infra/feedback/crawl/queries';
import { openRemote, type FetchPolicy } from '../../infra/http/fetch-remote';
import { assertFetchableUrl } from '../../infra/http/url-guard';
import { whileHeartbeating } from '../shared/heartbeat';

export interface CrawlPageInput {
  crawlId: string;
  url: string;
}

export interface CrawlPageResult {
  status: q.PageStatus;
  /** False when no request left for the host (robots said no): the host's interval is not spent. */
  requested: boolean;
  /** Where the page links to (from its body, or from the last fetch when unchanged), unfiltered. */
  links: string[];
  redirectTo?: string;
}

const REDIRECTS = [301, 302, 303, 307, 308];
/** Links handed back to the workflow at most, so one page of links cannot bloat its history. */
const MAX_LINKS_PER_PAGE = 500;

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

export async function readText(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const header = (headers: Record<string, string | string[] | undefined>, name: string) => {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
};

interface FetcherDeps {
  pool: Pool;
  dispatcher: Dispatcher;
  policy: FetchPolicy;
  userAgent: string;
  maxPageBytes: number;
}

/**
 * One page of a crawl, as a durable step: the robots verdict, a conditional GET with the
 * validators of the last good fetch, one hop of a redirect at most, and the challenge document
 * extracted and written only when it changed. Errors are thrown for the failure interceptor
 * (4xx and refused URLs are final, 5xx and resets are retried); the workflow records a page
 * whose attempts ran out.
 */
export function createPageFetcher(deps: FetcherDeps) {
  const { pool } = deps;

  async function record(input: CrawlPageInput, page: q.PageRecord, links: string[] = [], requested = true): Promise<CrawlPageResult> {
    await q.recordPage(pool, input.crawlId, input.url, page);
    return { status: page.status, requested, links: links.slice(0, MAX_LINKS_PER_PAGE), ...(page.redirectTo ? { redirectTo: page.redirectTo } : {}) };
  }

  /** A 200: the same body as last time changes nothing; a new one is parsed and its document upserted. */
  async function fresh(input: CrawlPageInput, finalUrl: string, status: number, body: string, validators: { etag: string | null; lastModified: string | null }, stored?: q.StoredPage) {
    const bodySha256 = sha256(body);
    if (stored && stored.bodySha256 === bodySha256) {
      await q.upsertCrawledPage(pool, input.url, input.crawlId, { ...stored, ...validators });
      return record(input, { status: 'UNCHANGED', httpStatus: status, challengeId: stored.challengeId ?? undefined }, stored.links);
    }
    const parsed = parseChallengePage(body, finalUrl);
    const challengeId = parsed.challenge?.challengeId ?? null;
    const documentWritten = parsed.challenge ? await q.upsertChallengeDocument(pool, parsed.challenge, finalUrl, sha256(documentFingerprintText(parsed.challenge))) : false;
    await q.upsertCrawledPage(pool, input.url, input.crawlId, { ...validators, bodySha256, links: parsed.links, challengeId });
    if (parsed.problem) return record(input, { status: 'FAILED', httpStatus: status, reason: parsed.problem }, parsed.links);
    return record(input, { status: 'FETCHED', httpStatus: status, challengeId: challengeId ?? undefined, documentWritten }, parsed.links);
  }

  return async function crawlPage(input: CrawlPageInput): Promise<CrawlPageResult> {
    const url = new URL(input.url);
    // Refused before anything else, so a seed pointing inwards fails as refused, not as "no robots.txt".
    assertFetchableUrl(url, deps.policy.allowEndpoints);
    const robots = await q.findRobots(pool, input.crawlId, url.origin);
    if (!robots || robots.outcome === 'UNAVAILABLE') {
      return record(input, { status: 'FAILED', reason: `robots.txt of ${url.origin} could not be read, so the host is not crawled` }, [], false);
    }
    if (!robotsAllow({ ...robots, robotsUrl: new URL('/robots.txt', url).href }, url.href, deps.userAgent)) {
      return record(input, { status: 'DISALLOWED', reason: 'robots.txt disallows it' }, [], false);
    }
    const stored = await q.findCrawledPage(pool, url.href);
    const headers: Record<string, string> = { 'user-agent': deps.userAgent, accept: 'text/html' };
    if (stored?.etag) headers['if-none-match'] = stored.etag;
    if (stored?.lastModified) headers['if-modified-since'] = stored.lastModified;

    return whileHeartbeating(async () => {
      const remote = await openRemote(url, { ...deps.policy, dispatcher: deps.dispatcher, maxBytes: deps.maxPageBytes, headers, redirect: 'manual', acceptStatuses: [304, ...REDIRECTS] });
      if (remote.status === 304) {
        remote.body.resume();
        if (!stored) return record(input, { status: 'FAILED', httpStatus: 304, reason: 'answered 304 Not Modified to an unconditional request' });
        await q.touchCrawledPage(pool, url.href, input.crawlId);
        return record(input, { status: 'NOT_MODIFIED', httpStatus: 304, challengeId: stored.challengeId ?? undefined }, stored.links);
      }
      if (REDIRECTS.includes(remote.status)) {
        remote.body.resume();
        const location = header(remote.headers, 'location');
        const target = location ? resolveLink(location, url.href) : undefined;
        if (!target) return record(input, { status: 'FAILED', httpStatus: remote.status, reason: `answered HTTP ${remote.status} without a usable Location` });
        return record(input, { status: 'REDIRECTED', httpStatus: remote.status, redirectTo: target });
      }
      const body = await readText(remote.body);
      const validators = { etag: header(remote.headers, 'etag') ?? null, lastModified: header(remote.headers, 'last-modified') ?? null };
      return fresh(input, remote.finalUrl.href, remote.status, body, validators, stored);
    });
  };
}
