/**
 * Which uploads the speech-to-text vendor accepts (RTZR: mp4, m4a, mp3, amr, flac, wav), decided
 * by content when the first bytes are at hand, so a renamed image or text file is refused here
 * rather than by the vendor after a slow upload.
 */

export type AudioExt = 'mp4' | 'm4a' | 'mp3' | 'amr' | 'flac' | 'wav';

export interface AudioType {
  ext: AudioExt;
  contentType: string;
}

/** The content type we send for each format. */
export const AUDIO_CONTENT_TYPES: Readonly<Record<AudioExt, string>> = {
  mp4: 'video/mp4',
  m4a: 'audio/mp4',
  mp3: 'audio/mpeg',
  amr: 'audio/amr',
  flac: 'audio/flac',
  wav: 'audio/wav',
};

/** Enough leading bytes to see past a typical ID3 tag; fewer still work, with less certainty. */
export const AUDIO_SNIFF_BYTES = 4096;

/** Content types browsers and recorders declare, beyond our canonical ones. */
const DECLARED_TYPES: Readonly<Record<string, AudioExt>> = {
  'video/mp4': 'mp4',
  'audio/mp4': 'm4a',
  'audio/m4a': 'm4a',
  'audio/x-m4a': 'm4a',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/mpeg3': 'mp3',
  'audio/x-mpeg-3': 'mp3',
  'audio/amr': 'amr',
  'audio/flac': 'flac',
  'audio/x-flac': 'flac',
  'audio/wav': 'wav',
  'audio/wave': 'wav',
  'audio/x-wav': 'wav',
  'audio/vnd.wave': 'wav',
};

/**
 * ISO-BMFF major brands of MP4 audio/video. Other `ftyp` files (HEIF/AVIF images, QuickTime
 * `qt  `, 3GPP) are not in the vendor's list and are refused.
 */
const MP4_BRANDS = new Set(['isom', 'iso2', 'iso3', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'mp71', 'avc1', 'dash', 'M4V ', 'M4VP', 'F4V ']);
const M4A_BRANDS = new Set(['M4A ', 'M4B ', 'M4P ', 'F4A ']);

/**
 * The accepted format of an upload, or undefined. With `firstBytes` the content decides (and
 * name or declared type only tell mp4 from m4a, which share a container); without them the
 * extension, then the declared content type.
 */
export function audioTypeOf(filename: string, declaredContentType?: string, firstBytes?: Uint8Array): AudioType | undefined {
  const byName = extensionOf(filename);
  const byDeclared = declaredContentType === undefined ? undefined : DECLARED_TYPES[mediaType(declaredContentType)];
  let ext: AudioExt | undefined;
  if (firstBytes) {
    const sniffed = sniff(firstBytes);
    ext = sniffed === 'mp4-family' ? mp4OrM4a(firstBytes, byName ?? byDeclared) : sniffed;
  } else {
    ext = byName ?? byDeclared;
  }
  return ext ? { ext, contentType: AUDIO_CONTENT_TYPES[ext] } : undefined;
}

function extensionOf(filename: string): AudioExt | undefined {
  const base = filename.slice(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const ext = base.slice(dot + 1).toLowerCase();
  return Object.hasOwn(AUDIO_CONTENT_TYPES, ext) ? (ext as AudioExt) : undefined;
}

/** `audio/x-wav; codecs=1` → `audio/x-wav`. */
const mediaType = (contentType: string): string => contentType.split(';')[0].trim().toLowerCase();

type Sniffed = Exclude<AudioExt, 'mp4' | 'm4a'> | 'mp4-family' | undefined;

function sniff(b: Uint8Array): Sniffed {
  if ((ascii(b, 0, 'RIFF') || ascii(b, 0, 'RF64') || ascii(b, 0, 'BW64')) && ascii(b, 8, 'WAVE')) return 'wav';
  if (ascii(b, 0, 'fLaC')) return 'flac';
  if (ascii(b, 0, '#!AMR')) return 'amr';
  if (ascii(b, 4, 'ftyp') && b.length >= 12) return MP4_BRANDS.has(brand(b)) || M4A_BRANDS.has(brand(b)) ? 'mp4-family' : undefined;
  if (ascii(b, 0, 'ID3')) return afterId3(b);
  return isMp3FrameHeader(b, 0) ? 'mp3' : undefined;
}

/**
 * An ID3v2 tag usually fronts an MP3, but taggers also put one before FLAC. Look past it when the
 * bytes reach that far; otherwise the tag alone says MP3.
 */
function afterId3(b: Uint8Array): Sniffed {
  if (b.length < 10) return 'mp3';
  // The tag size is "syncsafe": 7 bits per byte; a footer (flag 0x10) adds 10 more bytes.
  const size = ((b[6] & 0x7f) << 21) | ((b[7] & 0x7f) << 14) | ((b[8] & 0x7f) << 7) | (b[9] & 0x7f);
  const next = 10 + size + (b[5] & 0x10 ? 10 : 0);
  if (b.length < next + 4) return 'mp3';
  if (ascii(b, next, 'fLaC')) return 'flac';
  return isMp3FrameHeader(b, next) || b[next] === 0 ? 'mp3' : undefined;
}

/**
 * An MPEG audio Layer III frame header: 11 sync bits, a version other than "reserved", layer III,
 * and a bitrate and sample rate index that are not the invalid values. Layer III only, so AAC
 * ADTS (layer 0) and MP1/MP2 streams do not pass as MP3.
 */
function isMp3FrameHeader(b: Uint8Array, at: number): boolean {
  if (b.length < at + 4) return false;
  const [b0, b1, b2] = [b[at], b[at + 1], b[at + 2]];
  const sync = b0 === 0xff && (b1 & 0xe0) === 0xe0;
  const version = (b1 >> 3) & 0x03;
  const layer = (b1 >> 1) & 0x03;
  const bitrate = b2 >> 4;
  const sampleRate = (b2 >> 2) & 0x03;
  return sync && version !== 0b01 && layer === 0b01 && bitrate !== 0x0f && sampleRate !== 0b11;
}

function mp4OrM4a(b: Uint8Array, hinted: AudioExt | undefined): AudioExt {
  if (M4A_BRANDS.has(brand(b))) return 'm4a';
  return hinted === 'm4a' ? 'm4a' : 'mp4';
}

/** The ISO-BMFF major brand: four characters after `ftyp`. */
const brand = (b: Uint8Array): string => String.fromCharCode(b[8], b[9], b[10], b[11]);

function ascii(b: Uint8Array, at: number, text: string): boolean {
  if (b.length < at + text.length) return false;
  for (let i = 0; i < text.length; i++) if (b[at + i] !== text.charCodeAt(i)) return false;
  return true;
}
