import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findProfanity, type Evasion } from '../../../../src/domain/moderation';

type Outcome = 'block' | 'review' | 'clean';

/** [text, what the rules decide, how the term was disguised (when it was)]. */
const CASES: Array<[string, Outcome, Evasion?]> = [
  // Korean, written plainly
  ['시발 진짜 너무하네', 'block'],
  ['개새끼들 환불이나 해라', 'block'],
  ['ㅆㅂ 뭐냐 이거', 'block'],
  ['tlqkf 또 버퍼링', 'block'], // 시발 typed with the keyboard in English mode
  // Korean, spacing
  ['시 발', 'block', 'spacing'],
  ['시 발 놈아', 'block', 'spacing'],
  ['개 새 끼', 'block', 'spacing'],
  ['지 랄 하네', 'block', 'spacing'],
  // Korean, split jamo, inserted digits and symbols, invisible characters, stretching
  ['ㅅㅣ발', 'block', 'characters'],
  ['ㅅ ㅣ ㅂ ㅏ ㄹ', 'block', 'characters'],
  ['병ㅅㅣㄴ같이 가르치네', 'block', 'characters'],
  ['ㅂㅕㅇ신', 'block', 'characters'],
  ['씨1발', 'block', 'characters'],
  ['시.발', 'block', 'characters'],
  ['존1나 싫다', 'block', 'characters'],
  ['시\u200B발', 'block', 'characters'],
  ['시이이이발', 'block', 'stretching'],
  // English, written plainly
  ['fuck this course', 'block'],
  ['BITCHES everywhere', 'block'],
  ['motherfucking slides', 'block'],
  // English, masking, spacing, leetspeak, look-alike letters, stretching
  ['f*ck this', 'block', 'masking'],
  ['what the f**k', 'block', 'masking'],
  ['f u c k', 'block', 'spacing'],
  ['f.u.c.k', 'block', 'spacing'],
  ['sh1t lecture', 'block', 'characters'],
  ['$h!t', 'block', 'characters'],
  ['a$$hole', 'block', 'characters'],
  ['Ѕhіt happens', 'block', 'characters'], // Cyrillic Ѕ and і
  ['ｆｕｃｋ', 'block', 'characters'], // full-width
  ['𝐟𝐮𝐜𝐤', 'block', 'characters'], // mathematical bold
  ['fück', 'block', 'characters'],
  ['f\u200Buck', 'block', 'characters'],
  ['fuuuuuck', 'block', 'stretching'],
  // Rude or ambiguous: a person decides
  ['this course sucks', 'review'],
  ['존잼 강의', 'review'],
  // Clean text that contains a listed string, or looks like it
  ['다시 발견했다', 'clean'],
  ['시발점에서 출발합니다', 'clean'],
  ['시바견이 너무 귀여워요', 'clean'],
  ['노무사 시험 준비 강의', 'clean'],
  ['앰플 추천해 주세요', 'clean'],
  ['쳐다보지 마세요', 'clean'],
  ['껌을 씹어요', 'clean'],
  ['이 강의 정말 유익했어요. 예제가 좋아요', 'clean'],
  ['ㅋㅋㅋ 재밌네요', 'clean'],
  ['18번 문제 해설 부탁드려요', 'clean'],
  ['an assessment of the class', 'clean'],
  ['Scunthorpe United', 'clean'],
  ['a cocktail recipe', 'clean'],
  ['classic analysis', 'clean'],
  ['shiitake mushrooms and grape juice', 'clean'],
  ['my glasses passed the test', 'clean'],
  ['At 03:12 the caption is late', 'clean'],
];

function outcome(text: string): Outcome {
  const matches = findProfanity(text);
  if (matches.some((m) => m.severity === 'block')) return 'block';
  return matches.length > 0 ? 'review' : 'clean';
}

describe('profanity rules see through disguises and leave clean text alone', () => {
  test(`the table has at least 40 cases (${CASES.length})`, () => {
    assert.ok(CASES.length >= 40);
  });

  for (const [text, expected, evasion] of CASES) {
    test(`${JSON.stringify(text)} → ${expected}${evasion ? ` (${evasion})` : ''}`, () => {
      assert.equal(outcome(text), expected, JSON.stringify(findProfanity(text)));
      const evasions = findProfanity(text).flatMap((m) => m.evasions);
      if (evasion) assert.ok(evasions.includes(evasion), `evasions ${JSON.stringify(evasions)}`);
      else if (expected !== 'clean') assert.deepEqual(evasions, [], 'written plainly');
    });
  }

  test('a match names the term, its list and its severity', () => {
    assert.deepEqual(findProfanity('ㅅㅣ발'), [{ term: '시발', list: 'badwords-ko', severity: 'block', evasions: ['characters'] }]);
    assert.deepEqual(findProfanity('f*ck'), [{ term: 'fuck', list: 'leo-profanity', severity: 'block', evasions: ['masking'] }]);
  });
});
