import { createHash } from 'node:crypto';

/**
 * The sample challenge site's pages: eco-challenges in the markup the crawler reads
 * (src/domain/feedback/challenge-page.ts), an index linking every kind of page the crawler must
 * handle, and robots.txt. Each challenge has a version: changing it through the admin API gives
 * the page a new body, ETag and Last-Modified, and leaves every other page as it was.
 */
export interface SampleChallenge {
  id: string;
  title: string;
  summary: string;
  criteria: string[];
  category: string;
}

export type ChallengePatch = Partial<Omit<SampleChallenge, 'id'>>;

const BASE_CHALLENGES: SampleChallenge[] = [
  {
    id: 'plastic-free-week',
    title: 'Plastic-free week',
    summary: 'Go seven days without buying single-use plastic.',
    criteria: ['Shows a shopping haul without plastic packaging', 'Names one reusable swap made this week', 'Reports how much plastic was avoided'],
    category: 'waste',
  },
  {
    id: 'bike-to-work',
    title: 'Bike to work',
    summary: 'Replace car trips to work with cycling for a week.',
    criteria: ['Shows the bike or the route', 'States the distance ridden', 'Estimates the CO2 saved'],
    category: 'transport',
  },
  {
    id: 'meatless-monday',
    title: 'Meatless Monday',
    summary: 'Cook a plant-based meal every Monday this month.',
    criteria: ['Shows the meal', 'Lists the main ingredients', 'Says what replaced the meat'],
    category: 'food',
  },
];

/** Behind a redirect chain (/old → /moved → /challenges), a slow response, and robots' Disallow. */
const MOVED: SampleChallenge = { id: 'repair-cafe', title: 'Repair café visit', summary: 'Bring something broken to a repair café instead of replacing it.', criteria: ['Shows the item before and after', 'Names what was fixed'], category: 'waste' };
const SLOW: SampleChallenge = { id: 'cold-wash', title: 'Wash cold', summary: 'Wash every load at 30 °C or below for two weeks.', criteria: ['Shows the machine setting', 'Counts the loads washed'], category: 'energy' };
const PRIVATE: SampleChallenge = { id: 'staff-only', title: 'Staff only draft', summary: 'Never to be crawled.', criteria: ['None'], category: 'draft' };

export const DISALLOWED_PREFIX = '/private/';
/** Where the link-local redirect points: a cloud metadata address the URL guard must refuse. */
export const METADATA_URL = 'http://169.254.169.254/latest/meta-data/';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function challengeHtml(c: SampleChallenge): string {
  const criteria = c.criteria.map((item) => `      <li>${escapeHtml(item)}</li>`).join('\n');
  return `<!doctype html>
<html><head><title>${escapeHtml(c.title)}</title></head>
<body>
  <nav><a href="/">All challenges</a></nav>
  <article class="challenge" data-challenge-id="${escapeHtml(c.id)}" data-category="${escapeHtml(c.category)}">
    <h1 class="challenge-title">${escapeHtml(c.title)}</h1>
    <p class="challenge-summary">${escapeHtml(c.summary)}</p>
    <ul class="challenge-criteria">
${criteria}
    </ul>
  </article>
</body></html>
`;
}

export interface SitePage {
  body: string;
  etag: string;
  lastModified: string;
}

const LAST_MODIFIED_START_MS = Date.UTC(2026, 0, 1);
const DAY_MS = 86_400_000;

function page(body: string, version: number): SitePage {
  return {
    body,
    etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`,
    lastModified: new Date(LAST_MODIFIED_START_MS + version * DAY_MS).toUTCString(),
  };
}

/** The site's challenges and their versions; `prefix` keeps ids apart when several sites share a database. */
export class SiteContent {
  private readonly challenges = new Map<string, { challenge: SampleChallenge; version: number }>();
  readonly moved: SampleChallenge;
  readonly slow: SampleChallenge;
  readonly hidden: SampleChallenge;
  private readonly listed: string[];

  constructor(prefix = '') {
    const named = (c: SampleChallenge) => ({ ...c, id: `${prefix}${c.id}` });
    this.listed = BASE_CHALLENGES.map((c) => named(c).id);
    for (const c of [...BASE_CHALLENGES, MOVED].map(named)) this.challenges.set(c.id, { challenge: c, version: 0 });
    this.moved = named(MOVED);
    this.slow = named(SLOW);
    this.hidden = named(PRIVATE);
  }

  ids(): string[] {
    return [...this.challenges.keys()];
  }

  challenge(id: string): SitePage | undefined {
    const entry = this.challenges.get(id);
    return entry && page(challengeHtml(entry.challenge), entry.version);
  }

  current(id: string): SampleChallenge | undefined {
    return this.challenges.get(id)?.challenge;
  }

  /** Changes one challenge: its page alone gets a new body, ETag and Last-Modified. */
  update(id: string, patch: ChallengePatch): SampleChallenge | undefined {
    const entry = this.challenges.get(id);
    if (!entry) return undefined;
    entry.challenge = { ...entry.challenge, ...patch, id };
    entry.version += 1;
    return entry.challenge;
  }

  index(): SitePage {
    const listed = this.listed.map((id) => this.challenges.get(id)!.challenge);
    const links = [
      ...listed.map((c) => `<li><a href="/challenges/${c.id}">${escapeHtml(c.title)}</a></li>`),
      `<li><a href="/old/${this.moved.id}">${escapeHtml(this.moved.title)} (moved)</a></li>`,
      `<li><a href="/slow/${this.slow.id}">${escapeHtml(this.slow.title)}</a></li>`,
      `<li><a href="${DISALLOWED_PREFIX}${this.hidden.id}">Drafts</a></li>`,
      '<li><a href="/broken/500">Server error</a></li>',
      '<li><a href="/broken/reset">Connection reset</a></li>',
      '<li><a href="/go/metadata">Cloud metadata (redirect)</a></li>',
      '<li><a href="https://example.org/elsewhere">Another site (not crawled)</a></li>',
      '<li><a href="/admin/stats" rel="nofollow">Site statistics</a></li>',
      `<li><a href="/challenges/${listed[0].id}#criteria">${escapeHtml(listed[0].title)}: criteria</a></li>`,
    ];
    const body = `<!doctype html>
<html><head><title>Eco challenges</title></head>
<body>
  <h1>Eco challenges</h1>
  <ul>
    ${links.join('\n    ')}
  </ul>
</body></html>
`;
    return page(body, 0);
  }

  robots(): string {
    return `User-agent: *\nDisallow: ${DISALLOWED_PREFIX}\n`;
  }
}
