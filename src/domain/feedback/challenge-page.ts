import { parse, type HTMLElement } from 'node-html-parser';

/**
 * What the crawler reads out of a challenge site's HTML. The site marks a challenge up as
 *
 *   <article class="challenge" data-challenge-id="plastic-free-week" data-category="waste">
 *     <h1 class="challenge-title">…</h1>
 *     <p class="challenge-summary">…</p>
 *     <ul class="challenge-criteria"><li>…</li>…</ul>
 *   </article>
 *
 * (`class="challenge-category"` text may stand in for `data-category`). Any other page
 * (an index, an about page) gives links only.
 */
export interface ChallengeDocument {
  challengeId: string;
  title: string;
  summary: string;
  /** What a good submission shows, one criterion each, in page order. */
  criteria: string[];
  category: string | null;
}

export interface ParsedPage {
  /** Absolute http(s) URLs the page links to, without fragments, in page order, once each. */
  links: string[];
  challenge?: ChallengeDocument;
  /** The page marks a challenge up, but one that cannot be stored (why). */
  problem?: string;
}

export const CHALLENGE_ID = /^[a-z0-9][a-z0-9-]{0,99}$/;
const MAX_TITLE_CHARS = 300;
const MAX_SUMMARY_CHARS = 4000;
const MAX_CRITERIA = 50;
const MAX_CRITERION_CHARS = 1000;

/** Whitespace as a reader sees it: runs collapsed, ends trimmed. */
export const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** `href` against the page it is on, as the URL the crawler would fetch; undefined when not http(s) or unparsable. */
export function resolveLink(href: string, pageUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(href.trim(), pageUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  url.hash = '';
  return url.href;
}

/** Links a crawler should follow: `rel="nofollow"` ones are left out, as their authors asked. */
export function extractLinks(root: HTMLElement, pageUrl: string): string[] {
  const links = new Set<string>();
  for (const anchor of root.querySelectorAll('a[href]')) {
    const rel = (anchor.getAttribute('rel') ?? '').toLowerCase().split(/\s+/);
    if (rel.includes('nofollow')) continue;
    const link = resolveLink(anchor.getAttribute('href') ?? '', pageUrl);
    if (link && link !== pageUrl) links.add(link);
  }
  return [...links];
}

/** The last path segment of the page's URL, as a challenge id when the markup names none. */
function idFromUrl(pageUrl: string): string {
  const segments = new URL(pageUrl).pathname.split('/').filter(Boolean);
  const last = segments[segments.length - 1] ?? '';
  return last.replace(/\.html?$/i, '').toLowerCase();
}

function challengeFrom(article: HTMLElement, pageUrl: string): ChallengeDocument | string {
  const challengeId = (article.getAttribute('data-challenge-id') ?? idFromUrl(pageUrl)).trim();
  if (!CHALLENGE_ID.test(challengeId)) return `challenge id ${JSON.stringify(challengeId)} is not a slug (lower-case letters, digits, hyphens)`;
  const title = squash(article.querySelector('.challenge-title')?.text ?? '');
  if (!title) return `challenge ${challengeId} has no .challenge-title`;
  if (title.length > MAX_TITLE_CHARS) return `challenge ${challengeId}: title longer than ${MAX_TITLE_CHARS} characters`;
  const summary = squash(article.querySelector('.challenge-summary')?.text ?? '').slice(0, MAX_SUMMARY_CHARS);
  const criteria = article
    .querySelectorAll('.challenge-criteria li')
    .map((li) => squash(li.text))
    .filter((c) => c !== '');
  if (criteria.length > MAX_CRITERIA) return `challenge ${challengeId}: more than ${MAX_CRITERIA} criteria`;
  if (criteria.some((c) => c.length > MAX_CRITERION_CHARS)) return `challenge ${challengeId}: a criterion longer than ${MAX_CRITERION_CHARS} characters`;
  const category = squash(article.getAttribute('data-category') ?? article.querySelector('.challenge-category')?.text ?? '').toLowerCase();
  return { challengeId, title, summary, criteria, category: category || null };
}

/** Links and, on a challenge page, its document. `pageUrl` is where the HTML came from (after redirects). */
export function parseChallengePage(html: string, pageUrl: string): ParsedPage {
  const root = parse(html);
  const links = extractLinks(root, pageUrl);
  const article = root.querySelector('article.challenge');
  if (!article) return { links };
  const found = challengeFrom(article, pageUrl);
  return typeof found === 'string' ? { links, problem: found } : { links, challenge: found };
}

/** The text a document's sha256 is taken over: same document, same text, whatever the page's markup around it. */
export function documentFingerprintText(doc: ChallengeDocument): string {
  return JSON.stringify([doc.challengeId, doc.title, doc.summary, doc.criteria, doc.category]);
}
