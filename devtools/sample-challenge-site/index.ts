import { close } from '../../src/infra/http/server';
import { listenOnLoopback } from '../shared/loopback-server';
import { SiteContent, type ChallengePatch, type SampleChallenge } from './content';
import { createSiteHandler, emptyStats, type SiteState, type SiteStats } from './server';

/**
 * A site of eco-challenges on real loopback HTTP, for local runs and tests of the challenge
 * crawler. `admin` works in-process; the same is served under /admin.
 *
 * Routes (GET and HEAD):
 *   /robots.txt                 Disallow: /private/
 *   /                           the index: links to every route below, an off-site link and a nofollow one
 *   /challenges/<id>            a challenge page, with ETag and Last-Modified; 304 on a matching conditional request
 *   /old/<id>                   301 → /moved/<id> → 302 → /challenges/<id>
 *   /go/metadata                302 → http://169.254.169.254/latest/meta-data/ (the URL guard must refuse it)
 *   /slow/<id>                  a challenge page after `slowMs`
 *   /broken/500, /broken/reset  a 500; a connection reset before any header
 *   /private/<id>               a challenge page robots.txt forbids: it must never be requested
 * Admin: GET /admin/stats, POST /admin/reset-stats, GET|POST /admin/challenges/<id> (JSON patch of
 * title, summary, criteria, category: that page alone changes).
 */
export interface StartSampleChallengeSiteOptions {
  /** Loopback only: the site has no authentication on its admin API. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  slowMs?: number;
  /** Prefixes every challenge id, so sites in tests sharing one database keep their documents apart. */
  idPrefix?: string;
}

export interface SampleChallengeSite {
  url: string;
  admin: {
    stats(): SiteStats;
    resetStats(): void;
    challengeIds(): string[];
    /** The challenges the index lists, behind the redirect chain, the slow page, and robots' Disallow. */
    special(): { moved: SampleChallenge; slow: SampleChallenge; hidden: SampleChallenge };
    updateChallenge(id: string, patch: ChallengePatch): SampleChallenge;
  };
  stop(): Promise<void>;
}

export const DEFAULT_SLOW_MS = 3_000;

export async function startSampleChallengeSite(options: StartSampleChallengeSiteOptions = {}): Promise<SampleChallengeSite> {
  const content = new SiteContent(options.idPrefix);
  const state: SiteState = { content, stats: emptyStats(), slowMs: options.slowMs ?? DEFAULT_SLOW_MS };
  const { server, url } = await listenOnLoopback(createSiteHandler(state), {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    setting: 'SAMPLE_CHALLENGE_SITE_PORT',
    onConnection: () => undefined,
    refuse: (message) => new Error(message),
  });
  return {
    url,
    admin: {
      stats: () => structuredClone(state.stats),
      resetStats: () => void (state.stats = emptyStats()),
      challengeIds: () => content.ids(),
      special: () => ({ moved: content.moved, slow: content.slow, hidden: content.hidden }),
      updateChallenge(id, patch) {
        const updated = content.update(id, patch);
        if (!updated) throw new Error(`no challenge ${id}`);
        return updated;
      },
    },
    stop: () => close(server),
  };
}

export { METADATA_URL, DISALLOWED_PREFIX, type SampleChallenge, type ChallengePatch } from './content';
export type { SiteStats };
