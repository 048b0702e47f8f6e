/**
 * Transcript renderings for download: plain text and SubRip (SRT). Pure functions of the
 * utterance list; the vendor's chronological order is kept as given.
 */

/** One stretch of speech. `speaker` is the vendor's zero-based index; people read it from 1. */
export interface Utterance {
  speaker: number;
  startMs: number;
  durationMs: number;
  text: string;
}

/** RTZR/VITO's utterance: `start_at` and `duration` in milliseconds, `spk` zero-based. */
export interface VendorUtterance {
  start_at: number;
  duration: number;
  msg: string;
  spk: number;
}

/** Our shape from the vendor's, with text trimmed and silent (empty) utterances dropped. */
export function fromVendorUtterances(vendor: readonly VendorUtterance[]): Utterance[] {
  return vendor
    .map((u) => ({ speaker: u.spk, startMs: u.start_at, durationMs: u.duration, text: u.msg.trim() }))
    .filter((u) => u.text !== '');
}

/** `Speaker 1: …`, one line per utterance, each ending in `\n`; '' for no utterances. */
export function toPlainText(utterances: readonly Utterance[]): string {
  return printable(utterances)
    .map((u) => `${u.label}\n`)
    .join('');
}

/**
 * SubRip: numbered cues from 1, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, the text, then a blank line.
 * Hours are not wrapped at 24 (a cue 25 hours in reads `25:00:00,000`); LF line ends, which
 * players accept.
 */
export function toSrt(utterances: readonly Utterance[]): string {
  return printable(utterances)
    .map((u, i) => `${i + 1}\n${srtTime(u.startMs)} --> ${srtTime(u.startMs + u.durationMs)}\n${u.label}\n\n`)
    .join('');
}

/** `HH:MM:SS,mmm` for a millisecond offset; negative or fractional input is clamped and rounded. */
export function srtTime(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor(total / 60_000) % 60;
  const seconds = Math.floor(total / 1_000) % 60;
  return `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)},${pad(total % 1_000, 3)}`;
}

/**
 * Line breaks inside an utterance would split a plain-text line and, in SRT, a blank line would
 * end the cue early; so text is folded onto one line and utterances left empty are skipped.
 */
function printable(utterances: readonly Utterance[]): Array<Utterance & { label: string }> {
  return utterances
    .map((u) => ({ ...u, text: u.text.replace(/\s*[\r\n]+\s*/g, ' ').trim() }))
    .filter((u) => u.text !== '')
    .map((u) => ({ ...u, label: `Speaker ${u.speaker + 1}: ${u.text}` }));
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
