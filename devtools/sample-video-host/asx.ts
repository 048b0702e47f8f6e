/**
 * Windows Media ASX playlists as found in the wild: element and attribute names in any case,
 * hrefs entity-escaped, several entries. Every variant is well-formed XML; only the spelling differs.
 *
 * How a consumer should resolve one (the contract the `multi` variant tests):
 *  1. Match element and attribute names case-insensitively (`ASX`/`Asx`/`asx`, `HREF`/`href`).
 *  2. Decode XML entities in attribute values: `&amp;`, `&#38;` and `&#x26;` are all `&`.
 *  3. Walk `Entry` elements in document order and, inside each, `Ref` elements in order (later
 *     Refs of one Entry are fallbacks for the earlier ones).
 *  4. Skip hrefs whose scheme is not http or https (`mms://` is common in old playlists).
 *  5. Probe each remaining href; the first that answers 2xx is the media. A 404 entry is skipped,
 *     not a failure of the video; only when no entry plays does the video fail (with the last status).
 */

export const ASX_VARIANTS = ['upper', 'lower', 'mixed', 'entities', 'multi'] as const;
export type AsxVariant = (typeof ASX_VARIANTS)[number];

export interface PlaylistUrls {
  /** The media the playlist stands for (absolute URL). */
  target: string;
  /** A second playable clip, listed after the target. */
  alternate: string;
  /** A URL that answers 404: the first entry of the `multi` variant. */
  missing: string;
}

interface Spelling {
  asx: string;
  version: string;
  title: string;
  entry: string;
  ref: string;
  href: string;
  quote: '"' | "'";
  refClose: string;
}

const SPELLINGS: Record<AsxVariant, Spelling> = {
  upper: { asx: 'ASX', version: 'VERSION', title: 'TITLE', entry: 'ENTRY', ref: 'REF', href: 'HREF', quote: '"', refClose: ' />' },
  lower: { asx: 'asx', version: 'version', title: 'title', entry: 'entry', ref: 'ref', href: 'href', quote: "'", refClose: '/>' },
  mixed: { asx: 'ASX', version: 'version', title: 'Title', entry: 'Entry', ref: 'Ref', href: 'href', quote: '"', refClose: '/>' },
  entities: { asx: 'Asx', version: 'Version', title: 'TITLE', entry: 'entry', ref: 'REF', href: 'Href', quote: '"', refClose: ' />' },
  multi: { asx: 'ASX', version: 'version', title: 'Title', entry: 'Entry', ref: 'rEF', href: 'HREF', quote: '"', refClose: '/>' },
};

// The entities variant adds these so its hrefs always carry several `&` to escape.
const ENTITIES_QUERY = 'from=asx&variant=entities&lang=ko';
const AMPERSAND_FORMS = ['&amp;', '&#38;', '&#x26;'];

/** The hrefs the playlist lists, entry by entry and Ref by Ref, as a consumer sees them after decoding. */
export function playlistEntries(variant: AsxVariant, urls: PlaylistUrls): string[][] {
  if (variant === 'entities') return [[withQuery(urls.target, ENTITIES_QUERY)], [withQuery(urls.alternate, ENTITIES_QUERY)]];
  if (variant === 'multi') return [[urls.missing], [urls.target.replace(/^https?:/i, 'mms:'), urls.target], [urls.alternate]];
  return [[urls.target], [urls.alternate]];
}

/** The URL a consumer following the rules above ends up fetching. */
export function expectedResolution(variant: AsxVariant, urls: PlaylistUrls): string {
  return variant === 'entities' ? withQuery(urls.target, ENTITIES_QUERY) : urls.target;
}

export function renderAsx(title: string, entries: string[][], variant: AsxVariant): string {
  const s = SPELLINGS[variant];
  const attr = (name: string, value: string) => `${name}=${s.quote}${value}${s.quote}`;
  const escapeHref = variant === 'entities' ? escapeAmpersandsVariously : escapeXml;
  const lines = [`<${s.asx} ${attr(s.version, '3.0')}>`];
  if (variant === 'mixed' || variant === 'multi') lines.push('  <!-- sample-video-host: see asx.ts for how to resolve -->');
  lines.push(`  <${s.title}>${escapeXml(title)}</${s.title}>`);
  for (const refs of entries) {
    lines.push(`  <${s.entry}>`);
    for (const href of refs) lines.push(`    <${s.ref} ${attr(s.href, escapeHref(href))}${s.refClose}`);
    lines.push(`  </${s.entry}>`);
  }
  lines.push(`</${s.asx}>`, '');
  return lines.join('\r\n');
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Every `&` spelled a different way in turn, so a consumer that only undoes `&amp;` is caught. */
function escapeAmpersandsVariously(text: string): string {
  let n = 0;
  return escapeXml(text.replace(/&/g, '\u0000')).replace(/\u0000/g, () => AMPERSAND_FORMS[n++ % AMPERSAND_FORMS.length]);
}

function withQuery(url: string, query: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}${query}`;
}
