import LeoProfanity from 'leo-profanity';
import { badWords as koreanList } from 'badwords-ko/src/badwords.ko.config.json';
import { canonical } from './normalize';
import type { ProfanityMatch } from './types';

/**
 * The profanity lists the rules use: Korean from `badwords-ko`, English from `leo-profanity`
 * (the Shutterstock list), each entry brought to the same canonical form as the text it is
 * matched against. The lists are broad on purpose (they come from comment filters), so three
 * small tables here decide what an entry means on an education platform, where course reviews
 * and lecture subtitles talk about chewing, looking, labour law and biology.
 */

/** Entries that are not profanity here: everyday words, or bare prefixes the lists use as stems. */
const KO_IGNORED = new Set(['덬', '🚬', '쳐-', '씹-', '삐걱', '쉰내', '첫빠', '핑끄', '텐덕', '오크', '쿰척', '쿰.척', '엑윽', '헤으응', '퍄퍄', '찍찍이', '찎찎이']);

/** Rude or slangy, or also innocent in context: a person decides (review), the rules never block on them alone. */
const KO_REVIEW = new Set([
  '노무', '대가리', '대갈', '머갈', '찌질', '찌질한', '찌1질', '쯰질', '꼴랑', '듣보', '극혐', '극1혐', '눈나', '김여사', '노친네', '뚝배기', '와꾸', '자살',
  '꼬라지', '꼴보기', '꼴뵈기', '꼴갑', '꼴값', '꼴깝', '성괴', '웅앵', '웅엥', '꺼지세요', '꺼져요', '더럽네', '망해라', '뽄새', '뽄세', '병맛', '덜떨어', '정병',
  '존맛', '존잘', '존멋', '존잼', '존버', '존좋', '존웃', '존똑', '존싫', '존귀', '존귘', '졸맛', '졸멋', '졸잼', '졸예', '졸좋', '졸웃', '졸싫', '쫀맛', '쫀 맛', '쫀귀',
  '처먹', '망돌', '씹덕', '오크', '소추', '찐따', '앙기모띠', '이기야', '부왘', '노무노무', '노알라', '닥후', '닥전', '듣보', '명존', '쪼다', '빻았', '빻은',
]);
/** Single characters that are profane on their own (other single characters only send an item to review). */
const KO_SINGLE_BLOCK = new Set(['좆', '좃', '죶', '봊', '썅', '凸', '🖕', 'ㅄ']);

/** Clean words that contain a listed entry ("시발점" is a starting point, "노무사" a labour attorney). */
export const KO_ALLOWED_WORDS = ['시발점', '시발역', '시발택시', '시발권', '노무사', '노무관리', '노무비', '노무현', '십팔번', '앰프', '앰플', '앰뷸런스', '앰버', '오크통', '존버티', '대가리스', '자살예방', '처먹다'].map(compact);

/** Words also used in medicine, biology, history or everyday speech: a person decides. */
const EN_REVIEW = new Set([
  'sex', 'sexy', 'sexo', 'suck', 'sucks', 'xx', 'butt', 'nude', 'nudity', 'erotic', 'erotism', 'escort', 'hardcore', 'kinky', 'panties', 'panty', 'topless', 'undressing',
  'voyeur', 'intercourse', 'domination', 'dominatrix', 'bondage', 'lovemaking', 'orgasm', 'nipple', 'nipples', 'penis', 'vagina', 'vulva', 'rectum', 'anus', 'anal',
  'genitals', 'ejaculation', 'semen', 'clitoris', 'hooker', 'playboy', 'lolita', 'scat', 'snatch', 'swinger', 'tit', 'twink', 'twinkie', 'eunuch', 'incest', 'rape',
  'raping', 'rapist', 'sadism', 'sodomy', 'bastard', 'negro', 'coon', 'coons', 'swastika', 'neonazi', 'poof', 'boob', 'boobs', 'busty', 'milf', 'fingering', 'grope',
  'humping', 'intercourse', 'masturbate', 'pubes', 'strapon', 'threesome', 'vibrator', 'bimbos', 'camgirl', 'porn', 'porno', 'pornography', 'smut', 'hentai', 'ecchi', 'yaoi',
]);
/** Stems that stay profane inside longer words ("fuckface", "bullshitter"); no clean English word contains them. */
export const EN_STEMS = ['fuck', 'shit', 'cunt', 'bitch', 'nigger', 'nigga', 'faggot', 'asshole', 'motherfuck'];

export interface LexiconEntry {
  /** As listed for English; Korean entries in their plain spelling ("시1발" and "시.발" are both "시발"). */
  term: string;
  list: ProfanityMatch['list'];
  severity: ProfanityMatch['severity'];
  /** The canonical form without spaces: what is searched for. */
  pattern: string;
  /** The list wrote a trailing space ("시바 "): the match must end a word, so "시바견" is a dog. */
  wordEnd: boolean;
}

function compact(text: string): string {
  return canonical(text).replace(/ /g, '');
}

function koreanSeverity(term: string, pattern: string): LexiconEntry['severity'] {
  if (KO_REVIEW.has(term.trim())) return 'review';
  if (Array.from(pattern).length === 1) return KO_SINGLE_BLOCK.has(pattern) ? 'block' : 'review';
  return 'block';
}

function build(): { substrings: LexiconEntry[]; words: Map<string, LexiconEntry> } {
  const substrings = new Map<string, LexiconEntry>();
  const words = new Map<string, LexiconEntry>();
  for (const term of koreanList) {
    if (KO_IGNORED.has(term)) continue;
    const pattern = compact(term);
    if (!pattern) continue;
    const entry: LexiconEntry = { term: pattern, list: 'badwords-ko', severity: koreanSeverity(term, pattern), pattern, wordEnd: term.endsWith(' ') };
    // Latin-only entries ("tlqkf" is 시발 typed on a Korean keyboard layout) are whole words, like English ones.
    if (/^[a-z]+$/.test(pattern)) words.set(pattern, entry);
    else if (!substrings.has(pattern)) substrings.set(pattern, entry);
  }
  for (const term of LeoProfanity.list()) {
    const pattern = compact(term);
    if (!/^[a-z]+$/.test(pattern) || words.has(pattern)) continue;
    words.set(pattern, { term, list: 'leo-profanity', severity: EN_REVIEW.has(term) ? 'review' : 'block', pattern, wordEnd: true });
  }
  return { substrings: [...substrings.values()], words };
}

/** Korean entries are searched as substrings (words take particles: "병신같이"); Latin ones as whole words. */
export const LEXICON = build();
