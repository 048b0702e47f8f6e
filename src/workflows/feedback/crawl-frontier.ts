import { inScope } from '../../domain/feedback/scope';

/** A URL waiting to be fetched, and how many redirects led to it. */
export interface FrontierItem {
  url: string;
  hops: number;
}

/** What a crawl carries across continue-as-new. */
export interface CrawlState {
  /** URLs accepted but not yet handled, in the order they were found. */
  pending: FrontierItem[];
  /** Every URL ever accepted by this crawl (handled or pending): each is fetched once per crawl. */
  seen: string[];
  /** Crawl-delay per origin whose robots.txt was read this crawl (0 when none). */
  crawlDelayMs: Record<string, number>;
  /** When the last request to each origin ended, in workflow time. */
  lastRequestAtMs: Record<string, number>;
  /** Pages handled by earlier runs of this crawl. */
  handled: number;
  pageLimitReached: boolean;
}

export const originOf = (url: string): string => new URL(url).origin;

/**
 * The crawl's frontier, one queue per origin: pages of one host are fetched one at a time and
 * spaced by the host interval, while different hosts proceed side by side. Pure bookkeeping;
 * the workflow does the waiting and the fetching.
 */
export class Frontier {
  private readonly seen: Set<string>;
  private readonly queues = new Map<string, FrontierItem[]>();
  pageLimitReached: boolean;

  constructor(
    state: CrawlState,
    private readonly limits: { maxPages: number; seedUrls: readonly string[] },
  ) {
    this.seen = new Set(state.seen);
    this.pageLimitReached = state.pageLimitReached;
    for (const item of state.pending) this.queue(originOf(item.url)).push(item);
  }

  private queue(origin: string): FrontierItem[] {
    let found = this.queues.get(origin);
    if (!found) this.queues.set(origin, (found = []));
    return found;
  }

  /** Accepts a URL once per crawl, while the page budget lasts; the origin it queued on, or undefined. */
  add(item: FrontierItem): string | undefined {
    if (this.seen.has(item.url)) return undefined;
    if (this.seen.size >= this.limits.maxPages) {
      this.pageLimitReached = true;
      return undefined;
    }
    this.seen.add(item.url);
    const origin = originOf(item.url);
    this.queue(origin).push(item);
    return origin;
  }

  /** Links are followed only on the seeds' hosts; a redirect is followed wherever it points (the URL guard still decides). */
  addLinks(links: readonly string[]): string[] {
    return links.filter((link) => inScope(link, this.limits.seedUrls)).flatMap((url) => this.add({ url, hops: 0 }) ?? []);
  }

  next(origin: string): FrontierItem | undefined {
    return this.queues.get(origin)?.shift();
  }

  hasWork(origin: string): boolean {
    return (this.queues.get(origin)?.length ?? 0) > 0;
  }

  origins(): string[] {
    return [...this.queues.keys()].filter((origin) => this.hasWork(origin));
  }

  pending(): FrontierItem[] {
    return [...this.queues.values()].flat();
  }

  seenUrls(): string[] {
    return [...this.seen];
  }
}

export function initialState(): CrawlState {
  return { pending: [], seen: [], crawlDelayMs: {}, lastRequestAtMs: {}, handled: 0, pageLimitReached: false };
}
