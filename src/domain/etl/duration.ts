/**
 * Video durations as people write them in spreadsheets: plain seconds, clock forms, Korean and
 * English units, and ISO 8601 (`PT1H2M3S`, what the YouTube API returns). Fractions of a second
 * round to the nearest whole second, which is the unit stored.
 */
import { quoted } from './reasons';
import type { Parsed } from './types';

/**
 * No real duration is longer; the cap also keeps the patterns below linear, since runs of spaces
 * between optional parts would otherwise backtrack quadratically on a hostile megabyte cell.
 */
const MAX_DURATION_TEXT = 64;

const SECONDS = /^(\d+)(?:\.(\d+))?$/;
const MINUTES_SECONDS = /^(\d+):(\d{2})(?:\.(\d+))?$/;
const HOURS_MINUTES_SECONDS = /^(\d+):(\d{2}):(\d{2})(?:\.(\d+))?$/;
/** `1시간 2분 3초`, `12분`, `1h 30m`, `90 min`, `45 sec`; each part optional, in this order. */
const UNITS =
  /^(?:(\d+)\s*(?:시간|hours?|hrs?|h))?\s*(?:(\d+)\s*(?:분|minutes?|mins?|m))?\s*(?:(\d+)(?:\.(\d+))?\s*(?:초|seconds?|secs?|s))?$/i;
const ISO_8601 = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d+))?S)?$/i;

/** Parses a duration to whole seconds. Callers decide whether an empty value is allowed. */
export function parseDuration(text: string): Parsed<number> {
  const value = text.trim();
  const seconds = value.length > MAX_DURATION_TEXT ? undefined : secondsOf(value);
  if (seconds === undefined) {
    return { ok: false, reason: `unrecognised duration ${quoted(value)} (use seconds, mm:ss, hh:mm:ss or e.g. "1시간 2분 3초")` };
  }
  if (typeof seconds === 'string') return { ok: false, reason: seconds };
  if (!Number.isSafeInteger(seconds)) return { ok: false, reason: `duration ${quoted(value)} is too large` };
  return { ok: true, value: seconds };
}

/** Seconds, a reason string for a recognised but invalid form, or undefined when unrecognised. */
function secondsOf(value: string): number | string | undefined {
  let m = SECONDS.exec(value);
  if (m) return wholeSeconds(0, 0, m[1], m[2]);
  m = MINUTES_SECONDS.exec(value);
  if (m) return Number(m[2]) < 60 ? wholeSeconds(0, Number(m[1]), m[2], m[3]) : `seconds out of range in ${quoted(value)}`;
  m = HOURS_MINUTES_SECONDS.exec(value);
  if (m) {
    if (Number(m[2]) >= 60 || Number(m[3]) >= 60) return `minutes or seconds out of range in ${quoted(value)}`;
    return wholeSeconds(Number(m[1]), Number(m[2]), m[3], m[4]);
  }
  // Both unit patterns match the empty string (every part is optional), hence the length checks.
  m = value.length > 0 ? UNITS.exec(value) : null;
  if (m && (m[1] ?? m[2] ?? m[3]) !== undefined) return wholeSeconds(Number(m[1] ?? 0), Number(m[2] ?? 0), m[3] ?? '0', m[4]);
  m = ISO_8601.exec(value);
  if (m && (m[1] ?? m[2] ?? m[3]) !== undefined) return wholeSeconds(Number(m[1] ?? 0), Number(m[2] ?? 0), m[3] ?? '0', m[4]);
  return undefined;
}

function wholeSeconds(hours: number, minutes: number, seconds: string, fraction: string | undefined): number {
  const exactSeconds = Number(fraction === undefined ? seconds : `${seconds}.${fraction}`);
  return hours * 3600 + minutes * 60 + Math.round(exactSeconds);
}
