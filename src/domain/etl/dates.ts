/**
 * Published dates as Korean and international spreadsheets write them, reduced to the calendar
 * date `YYYY-MM-DD`. A time part is checked but dropped, and an offset never shifts the date: the
 * date a partner wrote is the date they mean, and converting to UTC would move late-evening KST
 * uploads to the previous day.
 */
import { quoted } from './reasons';
import type { Parsed } from './types';

/** Published dates outside this range are typos (`2201`, `0221`), not videos. */
export const EARLIEST_YEAR = 1900;
export const LATEST_YEAR = 2100;

/** Longer than any date with a time; the cap keeps the patterns below from backtracking on huge cells. */
const MAX_DATE_TEXT = 64;

/** Each captures year, month, day and whatever follows (an optional time). */
const DATE_FORMS: readonly RegExp[] = [
  /^(\d{4})-(\d{1,2})-(\d{1,2})(.*)$/, // 2021-03-04, 2021-03-04T10:00:00Z, 2021-03-04 10:00
  /^(\d{4})\.\s*(\d{1,2})\.\s*(\d{1,2})\.?(.*)$/, // 2021.03.04, 2021. 3. 4. (Korean locale)
  /^(\d{4})\/(\d{1,2})\/(\d{1,2})(.*)$/, // 2021/03/04
  /^(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일(.*)$/, // 2021년 3월 4일
  /^(\d{4})(\d{2})(\d{2})()$/, // 20210304, common in Korean public data
];

/**
 * After the date: `T` or spaces, then `HH:mm[:ss[.fff]]`, optionally with 오전/오후 or AM/PM
 * (Korean Excel writes `2021. 3. 4. 오후 3:05:00`) and a `Z` or `±hh:mm` offset.
 */
const TIME_SUFFIX = /^(?:T|\s+)(?:(오전|오후|AM|PM)\s*)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?\s*(AM|PM)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i;

export function parsePublishedDate(text: string): Parsed<string> {
  const value = text.trim();
  for (const form of value.length > MAX_DATE_TEXT ? [] : DATE_FORMS) {
    const m = form.exec(value);
    if (!m) continue;
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const problem = dateProblem(year, month, day) ?? timeProblem(m[4]);
    if (problem !== undefined) return { ok: false, reason: `${problem} in ${quoted(value)}` };
    return { ok: true, value: `${m[1]}-${pad2(month)}-${pad2(day)}` };
  }
  return { ok: false, reason: `unrecognised date ${quoted(value)} (use YYYY-MM-DD, YYYY.MM.DD, YYYY/MM/DD or e.g. "2021년 3월 4일")` };
}

function dateProblem(year: number, month: number, day: number): string | undefined {
  if (year < EARLIEST_YEAR || year > LATEST_YEAR) return `year outside ${EARLIEST_YEAR}–${LATEST_YEAR}`;
  if (month < 1 || month > 12) return 'impossible month';
  if (day < 1 || day > daysInMonth(year, month)) return 'impossible date';
  return undefined;
}

function timeProblem(rest: string): string | undefined {
  if (rest === '') return undefined;
  const m = TIME_SUFFIX.exec(rest);
  if (!m) return 'unrecognised time';
  const [meridiem, hour, minute, second] = [m[1] ?? m[5], Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
  if (m[1] !== undefined && m[5] !== undefined) return 'two AM/PM markers';
  const hourOk = meridiem === undefined ? hour <= 23 : hour >= 1 && hour <= 12;
  if (!hourOk || minute > 59 || second > 59) return 'impossible time';
  return undefined;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

const pad2 = (n: number): string => String(n).padStart(2, '0');
