import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { audioTypeOf } from '../../../../src/domain/stt/audio-types';

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const zeros = (n: number) => new Array<number>(n).fill(0);

/** An `ftyp` box with the given major brand. */
const ftyp = (brand: string) => bytes([0, 0, 0, 0x20], 'ftyp', brand, [0, 0, 2, 0], 'isommp41');
/** An ID3v2.4 header declaring a tag of `size` bytes (syncsafe), followed by that many zero bytes. */
const id3 = (size: number, ...after: Array<string | number[]>) =>
  bytes('ID3', [4, 0, 0], [(size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f], zeros(size), ...after);

const WAV = bytes('RIFF', [0x24, 0x08, 0, 0], 'WAVEfmt ', zeros(8));
const RF64 = bytes('RF64', [0xff, 0xff, 0xff, 0xff], 'WAVEds64');
const FLAC = bytes('fLaC', [0, 0, 0, 0x22]);
const AMR_NB = bytes('#!AMR\n', [0x3c]);
const AMR_WB = bytes('#!AMR-WB\n', [0x04]);
/** MPEG-1 Layer III, 128 kbit/s, 44.1 kHz. */
const MP3_FRAME = bytes([0xff, 0xfb, 0x90, 0x64]);
/** MPEG-2 Layer III, 64 kbit/s, 22.05 kHz. */
const MP3_MPEG2 = bytes([0xff, 0xf3, 0x80, 0xc4]);
const MP3_ID3 = id3(16, [0xff, 0xfb, 0x90, 0x64]);

const PNG = bytes([0x89], 'PNG\r\n\x1a\n', zeros(8));
const TEXT = bytes('hello, this is not audio\n');
const ADTS_AAC = bytes([0xff, 0xf1, 0x50, 0x80]);
const MP2_FRAME = bytes([0xff, 0xfd, 0x90, 0x64]);
const AVI = bytes('RIFF', [0, 0, 0, 0], 'AVI LIST');
const HEIC = ftyp('heic');
const QUICKTIME = ftyp('qt  ');

describe('audioTypeOf by content', () => {
  const accepted: Array<[string, string, Uint8Array, string, string?]> = [
    ['RIFF/WAVE', 'a.wav', WAV, 'wav'],
    ['RF64 wave', 'big.wav', RF64, 'wav'],
    ['fLaC', 'a.flac', FLAC, 'flac'],
    ['AMR-NB', 'a.amr', AMR_NB, 'amr'],
    ['AMR-WB', 'a.amr', AMR_WB, 'amr'],
    ['MPEG-1 Layer III frame', 'a.mp3', MP3_FRAME, 'mp3'],
    ['MPEG-2 Layer III frame', 'a.mp3', MP3_MPEG2, 'mp3'],
    ['ID3 then a frame', 'a.mp3', MP3_ID3, 'mp3'],
    ['ID3 longer than the bytes given', 'a.mp3', id3(4000).slice(0, 64), 'mp3'],
    ['ID3 then fLaC', 'a.flac', id3(8, 'fLaC', [0, 0, 0, 0x22]), 'flac'],
    ['ftyp M4A ', 'a.m4a', ftyp('M4A '), 'm4a'],
    ['ftyp M4A  named .mp4 is still audio', 'a.mp4', ftyp('M4A '), 'm4a'],
    ['ftyp isom named .mp4', 'a.mp4', ftyp('isom'), 'mp4'],
    ['ftyp mp42 named .m4a', 'voice.M4A', ftyp('mp42'), 'm4a'],
    ['ftyp isom without a name hint', 'upload', ftyp('isom'), 'mp4'],
    ['ftyp isom declared audio/mp4', 'upload', ftyp('isom'), 'm4a', 'audio/mp4'],
    ['content beats a wrong extension', 'recording.wav', MP3_FRAME, 'mp3'],
  ];
  for (const [name, filename, first, ext, declared] of accepted) {
    test(`${name} → ${ext}`, () => assert.equal(audioTypeOf(filename, declared, first)?.ext, ext));
  }

  const rejected: Array<[string, string, Uint8Array]> = [
    ['a PNG renamed .wav', 'photo.wav', PNG],
    ['a text file renamed .wav', 'notes.wav', TEXT],
    ['a text file renamed .mp3', 'notes.mp3', TEXT],
    ['AAC ADTS is not MP3', 'a.mp3', ADTS_AAC],
    ['MPEG Layer II is not MP3', 'a.mp3', MP2_FRAME],
    ['RIFF that is not WAVE (AVI)', 'a.wav', AVI],
    ['HEIC image in an ftyp box', 'a.mp4', HEIC],
    ['QuickTime .mov', 'a.mp4', QUICKTIME],
    ['ID3 followed by garbage', 'a.mp3', id3(4, 'PNG!')],
    ['no bytes at all', 'a.wav', new Uint8Array()],
    ['truncated RIFF header', 'a.wav', bytes('RIFF')],
  ];
  for (const [name, filename, first] of rejected) {
    test(`rejects ${name}`, () => assert.equal(audioTypeOf(filename, 'audio/wav', first), undefined));
  }
});

describe('audioTypeOf without content', () => {
  const cases: Array<[string, string | undefined, string | undefined]> = [
    ['a.mp4', undefined, 'mp4'],
    ['a.m4a', undefined, 'm4a'],
    ['A.MP3', undefined, 'mp3'],
    ['call.amr', undefined, 'amr'],
    ['song.flac', undefined, 'flac'],
    ['dir/sub.dir/take.wav', undefined, 'wav'],
    ['C:\\Users\\me\\take.wav', undefined, 'wav'],
    ['archive.wav.zip', undefined, undefined],
    ['a.ogg', undefined, undefined],
    ['a.png', undefined, undefined],
    ['.wav', undefined, undefined],
    ['noextension', undefined, undefined],
    ['noextension', 'audio/x-wav; codecs=1', 'wav'],
    ['blob', 'AUDIO/MPEG', 'mp3'],
    ['blob', 'audio/x-m4a', 'm4a'],
    ['blob', 'image/png', undefined],
    ['take.wav', 'audio/mpeg', 'wav'],
  ];
  for (const [filename, declared, ext] of cases) {
    test(`${filename} ${declared ?? ''} → ${ext ?? 'rejected'}`, () => assert.equal(audioTypeOf(filename, declared)?.ext, ext));
  }

  test('returns the content type we send', () => {
    assert.deepEqual(audioTypeOf('a.m4a'), { ext: 'm4a', contentType: 'audio/mp4' });
    assert.deepEqual(audioTypeOf('a.mp3'), { ext: 'mp3', contentType: 'audio/mpeg' });
    assert.deepEqual(audioTypeOf('x', undefined, WAV), { ext: 'wav', contentType: 'audio/wav' });
  });
});
