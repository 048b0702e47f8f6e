/**
 * Windows Media ASX playlists (`.asx`): XML-ish files whose `<entry>` elements hold `<ref href>`
 * links to the actual media. The seed's lecture site served many of its videos this way. Real
 * ASX files are loosely written (any tag case, single or unquoted attributes, unescaped `&` in
 * URLs), so this is a small tolerant scanner rather than an XML parser: it collects start tags,
 * skips comments, CDATA, declarations and end tags, and reads attributes with quotes respected,
 * so a `>` inside a quoted href cannot end the tag early.
 */

export class InvalidPlaylistError extends Error {
  override readonly name = 'InvalidPlaylistError';
}

/** Playlists are a few hundred bytes; anything this large is not one. */
export const MAX_PLAYLIST_CHARS = 1024 * 1024;

interface StartTag {
  /** Lower-cased. */
  name: string;
  /** Lower-cased names → entity-decoded values; the first of a repeated attribute wins. */
  attributes: Map<string, string>;
}

/**
 * Every `<ref href>` in document order, resolved against `baseUrl` (the playlist's own URL after
 * redirects). `<Banner>`, `<MoreInfo>`, `<Logo>` and `<EntryRef>` hrefs are not media and are
 * skipped. The result may hold non-http schemes (`mms:` is common); see `firstPlayableRef`.
 */
export function parseAsxPlaylist(xml: string, baseUrl: string): string[] {
  if (xml.length > MAX_PLAYLIST_CHARS) throw new InvalidPlaylistError(`playlist longer than ${MAX_PLAYLIST_CHARS} characters`);
  const tags = [...startTags(xml)];
  // The content types used for playlists also label binary ASF media; that must not pass as a playlist.
  if (!tags.some((tag) => tag.name === 'asx')) throw new InvalidPlaylistError('not an ASX playlist: no <asx> element');
  const refs: string[] = [];
  const unusable: string[] = [];
  for (const tag of tags) {
    const href = tag.name === 'ref' ? tag.attributes.get('href')?.trim() : undefined;
    if (!href) continue;
    const resolved = resolveHref(href, baseUrl);
    if (resolved === undefined) unusable.push(href);
    else refs.push(resolved);
  }
  if (refs.length === 0) {
    const detail = unusable.length > 0 ? `: unusable hrefs ${unusable.map((h) => JSON.stringify(h)).join(', ')}` : '';
    throw new InvalidPlaylistError(`playlist has no <ref href> entry${detail}`);
  }
  return refs;
}

/**
 * The refs we can download (http or https), in document order, or InvalidPlaylistError. Later refs
 * are fallbacks: a consumer probes them in turn and takes the first that answers.
 */
export function playableRefs(refs: readonly string[]): string[] {
  const playable = refs.filter((ref) => /^https?:/i.test(ref));
  if (playable.length === 0) throw new InvalidPlaylistError(`no http(s) media in playlist (refs: ${refs.join(', ')})`);
  return playable;
}

/** The first ref we can download (http or https), or InvalidPlaylistError. */
export function firstPlayableRef(refs: readonly string[]): string {
  return playableRefs(refs)[0];
}

function resolveHref(href: string, baseUrl: string): string | undefined {
  try {
    return new URL(href, baseUrl).href;
  } catch {
    return undefined;
  }
}

function* startTags(xml: string): Generator<StartTag> {
  let i = 0;
  for (;;) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) return;
    const skipTo = skippedConstructEnd(xml, lt);
    if (skipTo !== undefined) {
      i = skipTo;
      continue;
    }
    const tag = readStartTag(xml, lt + 1);
    if (tag === undefined) {
      i = lt + 1; // a stray `<` in text
      continue;
    }
    yield tag.tag;
    i = tag.end;
  }
}

/** Constructs that hold no tags we want, opened at `lt`: comments, CDATA, `<?…?>`, `<!…>`, end tags. */
const SKIPPED: ReadonlyArray<[open: string, close: string]> = [
  ['<!--', '-->'],
  ['<![CDATA[', ']]>'],
  ['<?', '?>'],
  ['<!', '>'],
  // Nesting is not tracked: refs count wherever they are, so end tags carry nothing.
  ['</', '>'],
];

/** Index after the construct starting at `lt`, or undefined when `lt` opens a start tag. */
function skippedConstructEnd(xml: string, lt: number): number | undefined {
  for (const [open, close] of SKIPPED) {
    if (!xml.startsWith(open, lt)) continue;
    const end = xml.indexOf(close, lt + open.length);
    // An unterminated comment hides the rest of the document, as it would from an XML parser.
    return end < 0 ? xml.length : end + close.length;
  }
  return undefined;
}

const TAG_NAME = /[A-Za-z_][\w.:-]*/y;
const ATTRIBUTE_NAME = /[^\s=>/]+/y;
const UNQUOTED_VALUE = /[^\s>]*/y;
const WHITESPACE = /\s*/y;

function matchAt(pattern: RegExp, text: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(text)?.[0];
}

function skipWhitespace(text: string, at: number): number {
  return at + (matchAt(WHITESPACE, text, at) ?? '').length;
}

/** Reads the start tag whose name begins at `at`; undefined when no name follows the `<`. */
function readStartTag(xml: string, at: number): { tag: StartTag; end: number } | undefined {
  const name = matchAt(TAG_NAME, xml, at);
  if (name === undefined) return undefined;
  const attributes = new Map<string, string>();
  let i = at + name.length;
  while (i < xml.length) {
    i = skipWhitespace(xml, i);
    if (xml[i] === '>') return { tag: { name: name.toLowerCase(), attributes }, end: i + 1 };
    const attribute = matchAt(ATTRIBUTE_NAME, xml, i);
    if (attribute === undefined) {
      i++; // the `/` of `/>`, or a stray `=`
      continue;
    }
    i = skipWhitespace(xml, i + attribute.length);
    let value = '';
    if (xml[i] === '=') [value, i] = readAttributeValue(xml, skipWhitespace(xml, i + 1));
    const key = attribute.toLowerCase();
    if (!attributes.has(key)) attributes.set(key, decodeEntities(value));
  }
  // A tag cut off by the end of the document still counts; the file was probably truncated.
  return { tag: { name: name.toLowerCase(), attributes }, end: xml.length };
}

/** The raw value starting at `at` and the index after it. */
function readAttributeValue(xml: string, at: number): [string, number] {
  const quote = xml[at];
  if (quote === '"' || quote === "'") {
    const close = xml.indexOf(quote, at + 1);
    if (close < 0) throw new InvalidPlaylistError(`unterminated attribute value at offset ${at}`);
    return [xml.slice(at + 1, close), close + 1];
  }
  const value = matchAt(UNQUOTED_VALUE, xml, at) ?? '';
  return [value, at + value.length];
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const ENTITY = /&(?:#x([0-9a-f]{1,8})|#([0-9]{1,10})|(amp|lt|gt|quot|apos));/gi;

/**
 * Decodes the five XML entities and numeric references in one pass (so `&amp;lt;` stays `&lt;`).
 * Anything else is left as written: playlists often carry bare `&` in query strings.
 */
export function decodeEntities(text: string): string {
  return text.replace(ENTITY, (whole, hex: string | undefined, decimal: string | undefined, named: string | undefined) => {
    if (named !== undefined) return NAMED_ENTITIES[named.toLowerCase()];
    const codePoint = hex !== undefined ? parseInt(hex, 16) : Number(decimal);
    const valid = codePoint > 0 && codePoint <= 0x10ffff && !(codePoint >= 0xd800 && codePoint <= 0xdfff);
    return valid ? String.fromCodePoint(codePoint) : whole;
  });
}

/** File extensions of ASX-format playlists (`.wvx` is Windows Media's video-only variant). */
const PLAYLIST_EXTENSIONS = new Set(['asx', 'wvx']);
const PLAYLIST_CONTENT_TYPES = new Set(['video/x-ms-asx', 'video/x-ms-wvx']);
/** Real ASF media, which servers label `video/x-ms-asf` exactly like `.asx` playlists. */
const ASF_MEDIA_EXTENSIONS = new Set(['asf', 'wmv', 'wma']);

/**
 * Whether a URL (and, once known, the response's content type) is an ASX playlist. Without a
 * content type only the extension decides, which lets a caller pick GET over HEAD up front.
 */
export function isAsxUrl(url: string, contentType?: string): boolean {
  const extension = extensionOf(url);
  if (PLAYLIST_EXTENSIONS.has(extension)) return true;
  if (contentType === undefined) return false;
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  if (PLAYLIST_CONTENT_TYPES.has(mediaType)) return true;
  return mediaType === 'video/x-ms-asf' && !ASF_MEDIA_EXTENSIONS.has(extension);
}

/** Lower-cased extension of the URL's last path segment, ignoring query and fragment. */
function extensionOf(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.split(/[?#]/)[0];
  }
  const segment = path.slice(path.lastIndexOf('/') + 1);
  const dot = segment.lastIndexOf('.');
  return dot < 0 ? '' : segment.slice(dot + 1).toLowerCase();
}

export { storageKeyFor } from './storage-key';
