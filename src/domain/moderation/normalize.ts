import Hangul from 'hangul-js';

/**
 * Text as the profanity rules read it: the tricks people use to slip a word past a filter are
 * undone here, once, for both languages. Only matching sees these forms; stored text is untouched.
 */

// Zero-width and filler characters (including the Hangul fillers) hide nothing a reader sees.
const INVISIBLE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u206A-\u206F\u3164\uFEFF\uFFA0]/g;

// Cyrillic and Greek letters that look like Latin ones (NFKC leaves them alone).
const LOOK_ALIKES: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ɡ: 'g', ᴜ: 'u',
  ս: 'u', օ: 'o', ց: 'g', հ: 'h',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
};
const LATIN_WITH_MARKS = /[\u00C0-\u024F\u1E00-\u1EFF]/;

// Digits and symbols standing in for Latin letters, inside a word that has Latin letters.
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g', '@': 'a', $: 's', '!': 'i', '|': 'i', '+': 't', '€': 'e' };

const HANGUL = '\\u3131-\\u318E\\uAC00-\\uD7A3';
// Digits and punctuation wedged between Hangul characters ("씨1발", "시.발", "미-친").
const NOISE_INSIDE_HANGUL = new RegExp(`(?<=[${HANGUL}])[0-9._*~^'"\`!@#$%&+=/\\\\|:;,\\-]+(?=[${HANGUL}])`, 'g');
const HANGUL_RUN = new RegExp(`[${HANGUL}]+`, 'g');
// A lone vowel jamo is never written on purpose in running text: it means a syllable was split.
const LONE_VOWEL = /[\u314F-\u3163]/;
// Single Hangul characters separated by single spaces ("ㅅ ㅣ ㅂ ㅏ ㄹ").
const SPACED_SINGLES = new RegExp(`(?<![^ ])(?:[${HANGUL}] )+[${HANGUL}](?![^ ])`, 'g');
// Single Latin letters separated by one separator each ("f u c k", "f.u.c.k", "f-u-c-k").
const SPELLED_OUT = /(?<![a-z])[a-z](?:[ .\-_*+~][a-z]){2,}(?![a-z])/g;
const EDGE_PUNCTUATION = /^[("'[{]+|[.,!?;:)"'\]}]+$/g;

function lookAlikesToLatin(text: string): string {
  return Array.from(text, (ch) => LOOK_ALIKES[ch] ?? (LATIN_WITH_MARKS.test(ch) ? ch.normalize('NFD').replace(/\p{M}/gu, '') : ch)).join('');
}

/** Syllables split into jamo ("ㅅㅣ발", "병ㅅㅣㄴ") are put back together; runs without a lone vowel ("ㅋㅋ", "ㅅㅂ") stay as written. */
function reassembleJamo(text: string): string {
  const joined = text.replace(SPACED_SINGLES, (run) => (LONE_VOWEL.test(run) ? run.replace(/ /g, '') : run));
  return joined.replace(HANGUL_RUN, (run) => (LONE_VOWEL.test(run) ? Hangul.assemble(Hangul.disassemble(run)) : run));
}

function unleetWord(word: string): string {
  const core = word.replace(EDGE_PUNCTUATION, '');
  if (!/[a-z]/.test(core) || !/[0-9@$!|+€]/.test(core)) return core;
  return Array.from(core, (ch) => LEET[ch] ?? ch).join('');
}

// Conjoining jamo (what decomposed Hangul leaves alone) as the compatibility jamo people type.
const LEADING = 'ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ';
const TRAILING = 'ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ';
function compatibilityJamo(ch: string): string {
  const code = ch.codePointAt(0)!;
  if (code >= 0x1100 && code <= 0x1112) return LEADING[code - 0x1100];
  if (code >= 0x1161 && code <= 0x1175) return String.fromCodePoint(0x314f + code - 0x1161);
  if (code >= 0x11a8 && code <= 0x11c2) return TRAILING[code - 0x11a8];
  return ch;
}

/**
 * NFKC (full-width and mathematical letters become plain ones), case and invisible characters:
 * what a reader sees. Compatibility jamo are kept out of NFKC, which would turn "ㅅㅂ" into
 * conjoining jamo that no list spells.
 */
export function readable(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[^\u3131-\u318E]+/g, (part) => part.normalize('NFKC'))
    .replace(/[\u1100-\u11FF]/g, compatibilityJamo)
    .replace(INVISIBLE, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** The form the rules match: look-alikes, leetspeak, symbols inside words and split jamo undone; words stay apart. */
export function canonical(text: string): string {
  let s = lookAlikesToLatin(readable(text));
  s = s.replace(NOISE_INSIDE_HANGUL, '');
  s = reassembleJamo(s);
  s = s.replace(SPELLED_OUT, (run) => run.replace(/[^a-z]/g, ''));
  return s
    .split(' ')
    .map(unleetWord)
    .filter((w) => w.length > 0)
    .join(' ');
}

/** Stretched letters ("fuuuuck", "시이이이발") squeezed to `keep` of each run of three or more. */
export function squeezeRuns(text: string, keep: 1 | 2): string {
  return text.replace(/(.)\1{2,}/gu, keep === 1 ? '$1' : '$1$1');
}
