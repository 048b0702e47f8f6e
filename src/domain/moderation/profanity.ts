import { EN_STEMS, KO_ALLOWED_WORDS, LEXICON, type LexiconEntry } from './lexicon';
import { canonical, squeezeRuns } from './normalize';
import type { Evasion, ProfanityMatch } from './types';

/** A form of the text with its words run together, remembering where each word starts and ends. */
interface Spaceless {
  text: string;
  wordStart: number[];
  wordEnd: number[];
  /** Index of the word each character belongs to. */
  wordAt: number[];
}

function spaceless(form: string): Spaceless {
  const out: Spaceless = { text: '', wordStart: [], wordEnd: [], wordAt: [] };
  form.split(' ').forEach((word, i) => {
    out.wordStart.push(out.text.length);
    out.text += word;
    out.wordEnd.push(out.text.length);
    for (let k = 0; k < word.length; k += 1) out.wordAt.push(i);
  });
  return out;
}

function occurrences(haystack: string, needle: string): number[] {
  const found: number[] = [];
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) found.push(at);
  return found;
}

class Matches {
  private readonly byTerm = new Map<string, ProfanityMatch>();

  add(entry: LexiconEntry, evasion: Evasion | undefined): void {
    const match = this.byTerm.get(entry.term) ?? { term: entry.term, list: entry.list, severity: entry.severity, evasions: [] };
    if (evasion && !match.evasions.includes(evasion)) match.evasions.push(evasion);
    this.byTerm.set(entry.term, match);
  }

  list(): ProfanityMatch[] {
    return [...this.byTerm.values()];
  }
}

/**
 * Korean entries inside the words-run-together form. A match across a space counts only when one
 * of the words it touches lies wholly inside it ("시 발", "개 새 끼"), so "다시 발견" (two whole
 * words that happen to meet) is not "시발".
 */
function matchKorean(form: string, plain: string, evasion: Evasion | undefined, found: Matches): void {
  const s = spaceless(form);
  const present = new Set(s.text);
  const allowed = KO_ALLOWED_WORDS.flatMap((word) => occurrences(s.text, word).map((at) => [at, at + word.length] as const));
  for (const entry of LEXICON.substrings) {
    if (!present.has(entry.pattern[0])) continue;
    for (const at of occurrences(s.text, entry.pattern)) {
      const end = at + entry.pattern.length;
      if (allowed.some(([from, to]) => at >= from && end <= to)) continue;
      const first = s.wordAt[at];
      const last = s.wordAt[end - 1];
      if (entry.wordEnd && end !== s.wordEnd[last]) continue;
      if (first !== last) {
        const wholeWordInside = Array.from({ length: last - first + 1 }, (_, k) => first + k).some((w) => s.wordStart[w] >= at && s.wordEnd[w] <= end);
        if (!wholeWordInside) continue;
        found.add(entry, 'spacing');
      } else {
        found.add(entry, evasion ?? (plain.includes(entry.pattern) ? undefined : 'characters'));
      }
      break;
    }
  }
}

function matchWord(word: string): LexiconEntry | undefined {
  const exact = LEXICON.words.get(word) ?? LEXICON.words.get(word.replace(/e?s$/, ''));
  if (exact) return exact;
  const stem = EN_STEMS.find((s) => word.length > s.length && (word.startsWith(s) || word.endsWith(s)));
  return stem ? (LEXICON.words.get(stem) ?? { term: stem, list: 'leo-profanity', severity: 'block', pattern: stem, wordEnd: false }) : undefined;
}

/** "f*ck", "sh#t": a listed word of the same length that agrees on every letter shown. */
function matchMasked(word: string): LexiconEntry | undefined {
  const masks = word.replace(/[a-z]/g, '').length;
  if (masks === 0 || masks * 2 > word.length || word.length - masks < 2) return undefined;
  for (const entry of LEXICON.words.values()) {
    if (entry.pattern.length === word.length && Array.from(word).every((ch, i) => ch === '*' || ch === '#' || ch === entry.pattern[i])) return entry;
  }
  return undefined;
}

/** Latin entries as whole words (so "assessment" and "Scunthorpe" are clean). */
function matchLatin(form: string, plain: string, evasion: Evasion | undefined, found: Matches): void {
  const plainWords = new Set(plain.split(/[^a-z]+/));
  const unseparated = plain.replace(/[\s.\-_*+~]/g, '');
  for (const word of form.split(/[^a-z*#]+/)) {
    if (word.length < 2) continue;
    if (/[*#]/.test(word)) {
      const masked = matchMasked(word);
      if (masked) found.add(masked, 'masking');
      continue;
    }
    const entry = matchWord(word);
    if (entry) found.add(entry, evasion ?? (plainWords.has(word) ? undefined : unseparated.includes(word) ? 'spacing' : 'characters'));
  }
}

/** Every listed term in the text, however it was disguised, with how it was disguised. */
export function findProfanity(text: string): ProfanityMatch[] {
  // As typed (no NFKC): full-width or mathematical letters and zero-width characters count as disguise.
  const plain = text.toLowerCase().replace(/\s+/g, ' ');
  const found = new Matches();
  const base = canonical(text);
  const forms: Array<[string, Evasion | undefined]> = [[base, undefined]];
  for (const keep of [1, 2] as const) {
    const squeezed = squeezeRuns(base, keep);
    if (squeezed !== base) forms.push([squeezed, 'stretching']);
  }
  for (const [form, evasion] of forms) {
    matchKorean(form, plain, evasion, found);
    matchLatin(form, plain, evasion, found);
  }
  return found.list();
}
