import { canonical } from './normalize';
import type { ItemToModerate } from './types';

/**
 * The words the spam model sees. Contact details and links are what spam is for, so each kind
 * becomes one token (any URL is `__url__`); Korean words also give their character pairs, since
 * particles and endings attach to them ("강의가", "강의는" share "강의").
 */
const URL = /\b(?:https?:\/\/|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|xyz|top|shop|biz|info|ly|io|me|kr|co|site|club|link)\b(?:\/\S*)?/gi;
const EMAIL = /\b[\w.+-]+@[\w-]+\.[\w.-]+\b/g;
const HANDLE = /(?<![\w.])@[a-z0-9_]{3,}/gi;
const PHONE = /\+?\d[\d\s-]{7,}\d/g;
const NUMBER = /\d+(?:[.,]\d+)*/g;
const HANGUL_WORD = /^[\uAC00-\uD7A3]+$/;

function placeholders(text: string): { text: string; tokens: string[] } {
  const tokens: string[] = [];
  let rest = text;
  for (const [pattern, token] of [
    [EMAIL, '__email__'],
    [URL, '__url__'],
    [HANDLE, '__handle__'],
    [PHONE, '__phone__'],
    [NUMBER, '__number__'],
  ] as const) {
    rest = rest.replace(pattern, () => {
      tokens.push(token);
      return ' ';
    });
  }
  if (/[!?]{2,}/.test(rest)) tokens.push('__shouting__');
  if (/%/.test(rest)) tokens.push('__percent__');
  return { text: rest, tokens };
}

export function modelTokens(item: ItemToModerate): string[] {
  const { text, tokens } = placeholders(item.text);
  const out = [...tokens];
  for (const word of canonical(text).match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (word.length < 2 && !HANGUL_WORD.test(word)) continue;
    out.push(word);
    if (HANGUL_WORD.test(word) && word.length > 2) {
      for (let i = 0; i + 2 <= word.length; i += 1) out.push(word.slice(i, i + 2));
    }
  }
  return out;
}
