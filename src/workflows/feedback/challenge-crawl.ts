import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ContinueAsNew,
  continueAsNew,
  isCancellation,
  patched,
  proxyActivities,
  setCurrentDetails,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { CrawlActivities } from '../../activities/feedback/crawl';
import type { CrawlPageResult } from '../../activities/feedback/crawl-page';
import type { CrawlTuning } from '../../pipelines/feedback/crawler-settings';
import { failureMessage } from '../shared/failures';
import { Frontier, initialState, type CrawlState, type FrontierItem } from './crawl-frontier';

export interface CrawlInput {
  tuning: CrawlTuning;
  /** Set by continue-as-new: where the previous run stopped. */
  state?: CrawlState;
}

export interface CrawlSummary {
  pagesHandled: number;
  pageLimitReached: boolean;
}

/** Marks runs that record a cancelled or failed crawl as such; earlier runs left the row RUNNING. */
const RECORD_OUTCOME_PATCH = 'crawl-records-cancel-and-failure';
const RECORD_RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 } as const;
const { crawlBegin, crawlFinish, crawlRecordFailure } = proxyActivities<CrawlActivities>({ startToCloseTimeout: '30 seconds', retry: RECORD_RETRY });

function fetchers(tuning: CrawlTuning) {
  const options = {
    // The page deadline bounds the fetch inside; this only catches a worker that stalls around it.
    startToCloseTimeout: tuning.pageTimeoutMs + 30_000,
    heartbeatTimeout: '10 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: tuning.fetchAttempts },
  };
  const { crawlPage } = proxyActivities<CrawlActivities>({ ...options, summary: 'fetch one page' });
  const { crawlReadRobots } = proxyActivities<CrawlActivities>({ ...options, summary: 'read robots.txt' });
  return { crawlPage, crawlReadRobots };
}

/** The HTTP status a final 4xx failure carries in its details (see remote-fetch-failures.ts). */
function statusOf(err: unknown): number | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  const details = cause instanceof ApplicationFailure ? cause.details : undefined;
  const status = (details?.[0] as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Crawls the seed URLs' hosts for challenge pages. Each page is a durable step (an activity with
 * a deadline and heartbeats); requests to one host are spaced by a workflow timer, so the rate
 * limit holds across worker restarts; robots.txt is read once per host per crawl. A page that
 * fails for good is recorded with its reason and the crawl goes on. A long crawl continues as
 * new every `pagesPerRun` pages, carrying its frontier.
 */
export async function challengeCrawlWorkflow(input: CrawlInput): Promise<CrawlSummary> {
  const { tuning } = input;
  const crawlId = workflowInfo().workflowId;
  const { crawlPage, crawlReadRobots } = fetchers(tuning);
  const state = input.state ?? initialState();
  const frontier = new Frontier(state, { maxPages: tuning.maxPages, seedUrls: tuning.seedUrls });
  let handledThisRun = 0;
  let stopping = false;
  const running = new Set<string>();
  const lanes: Promise<void>[] = [];

  const intervalFor = (origin: string) => Math.max(tuning.hostIntervalMs, state.crawlDelayMs[origin] ?? 0);
  async function waitForTurn(origin: string): Promise<void> {
    const last = state.lastRequestAtMs[origin];
    const waitMs = last === undefined ? 0 : last + intervalFor(origin) - Date.now();
    if (waitMs > 0) await sleep(waitMs);
  }

  async function fetchOne(item: FrontierItem): Promise<CrawlPageResult> {
    try {
      return await crawlPage({ crawlId, url: item.url });
    } catch (err) {
      if (isCancellation(err)) throw err;
      await crawlRecordFailure({ crawlId, url: item.url, reason: failureMessage(err), httpStatus: statusOf(err) });
      return { status: 'FAILED', requested: true, links: [] };
    }
  }

  async function follow(item: FrontierItem, result: CrawlPageResult): Promise<void> {
    for (const origin of frontier.addLinks(result.links)) startLane(origin);
    if (!result.redirectTo) return;
    if (item.hops >= tuning.maxRedirects) {
      await crawlRecordFailure({ crawlId, url: result.redirectTo, reason: `more than ${tuning.maxRedirects} redirects from the page linked` });
      return;
    }
    const origin = frontier.add({ url: result.redirectTo, hops: item.hops + 1 });
    if (origin) startLane(origin);
  }

  async function runLane(origin: string): Promise<void> {
    if (!(origin in state.crawlDelayMs)) {
      await waitForTurn(origin);
      const robots = await crawlReadRobots({ crawlId, origin, maxAttempts: tuning.fetchAttempts });
      state.crawlDelayMs[origin] = robots.crawlDelayMs;
      state.lastRequestAtMs[origin] = Date.now();
    }
    while (!stopping && frontier.hasWork(origin)) {
      await waitForTurn(origin);
      const item = frontier.next(origin)!;
      const result = await fetchOne(item);
      if (result.requested) state.lastRequestAtMs[origin] = Date.now();
      handledThisRun += 1;
      await follow(item, result);
      if (handledThisRun >= tuning.pagesPerRun || workflowInfo().continueAsNewSuggested) stopping = true;
      setCurrentDetails(`${state.handled + handledThisRun} pages handled, ${frontier.pending().length} waiting`);
    }
  }

  function startLane(origin: string): void {
    if (running.has(origin) || stopping) return;
    running.add(origin);
    const lane = runLane(origin).finally(() => running.delete(origin));
    // Awaited below; handled now so one lane failing meanwhile does not fail the workflow task.
    lane.catch(() => undefined);
    lanes.push(lane);
  }

  try {
    if (!input.state) {
      await crawlBegin({ crawlId, seedUrls: tuning.seedUrls });
      for (const url of tuning.seedUrls) frontier.add({ url, hops: 0 });
    }
    for (const origin of frontier.origins()) startLane(origin);
    while (lanes.length > 0) await Promise.all(lanes.splice(0));

    const pending = frontier.pending();
    if (pending.length > 0) {
      const next: CrawlState = { ...state, pending, seen: frontier.seenUrls(), handled: state.handled + handledThisRun, pageLimitReached: frontier.pageLimitReached };
      return await continueAsNew<typeof challengeCrawlWorkflow>({ tuning, state: next });
    }
    await crawlFinish({ crawlId, pageLimitReached: frontier.pageLimitReached });
    return { pagesHandled: state.handled + handledThisRun, pageLimitReached: frontier.pageLimitReached };
  } catch (err) {
    if (!(err instanceof ContinueAsNew) && patched(RECORD_OUTCOME_PATCH)) {
      const outcome = isCancellation(err) ? 'CANCELED' : 'FAILED';
      await CancellationScope.nonCancellable(() => crawlFinish({ crawlId, pageLimitReached: frontier.pageLimitReached, outcome }));
    }
    throw err;
  }
}
