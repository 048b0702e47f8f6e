import { createCipheriv, createHash, type Cipher } from 'node:crypto';

/**
 * The bytes of a sample file, defined by (name, offset) alone so nothing is ever stored: an
 * AES-128-CTR keystream keyed by the name. CTR makes block i a function of (key, i), so a reader
 * starts at any offset in O(1), and OpenSSL's AES-NI path runs at GB/s (a sha256-counter stream
 * costs one hash call per 32 bytes and is several times slower).
 *
 * The first 32 bytes are a real MP4 `ftyp` box, so content sniffing (`file`, a consumer telling
 * media from an HTML error page) sees an MP4; the keystream still advances under them.
 */

const AES_BLOCK_BYTES = 16;
/** The largest read; also the streaming chunk size, which bounds memory per response. */
export const GENERATOR_CHUNK_BYTES = 64 * 1024;
const ZEROS = Buffer.alloc(GENERATOR_CHUNK_BYTES);

// size 0x20, 'ftyp', major brand 'isom', minor version 0x200, compatible brands isom iso2 avc1 mp41.
export const MP4_HEADER = Buffer.concat([
  Buffer.from([0, 0, 0, 0x20]),
  Buffer.from('ftypisom', 'latin1'),
  Buffer.from([0, 0, 2, 0]),
  Buffer.from('isomiso2avc1mp41', 'latin1'),
]);

function keyFor(name: string): Buffer {
  // Versioned so a change of scheme cannot silently match checksums recorded by an older host.
  return createHash('sha256').update(`sample-video-host/v1\0${name}`).digest().subarray(0, 16);
}

function counterBlock(blockIndex: number): Buffer {
  const iv = Buffer.alloc(AES_BLOCK_BYTES);
  iv.writeBigUInt64BE(BigInt(blockIndex), 8);
  return iv;
}

/** Reads a file's bytes sequentially from `offset`; each read returns a fresh buffer. */
export class ByteReader {
  private readonly cipher: Cipher;
  private position: number;

  constructor(name: string, offset: number) {
    if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`offset must be a non-negative integer (got ${offset})`);
    this.position = offset;
    this.cipher = createCipheriv('aes-128-ctr', keyFor(name), counterBlock(Math.floor(offset / AES_BLOCK_BYTES)));
    const skip = offset % AES_BLOCK_BYTES;
    if (skip > 0) this.cipher.update(ZEROS.subarray(0, skip));
  }

  read(length: number): Buffer {
    if (!Number.isInteger(length) || length < 0 || length > GENERATOR_CHUNK_BYTES) {
      throw new RangeError(`read length must be 0..${GENERATOR_CHUNK_BYTES} (got ${length})`);
    }
    // CTR is a stream mode: OpenSSL returns exactly as many bytes as it is given.
    const bytes = this.cipher.update(ZEROS.subarray(0, length));
    if (this.position < MP4_HEADER.length) {
      MP4_HEADER.copy(bytes, 0, this.position, Math.min(MP4_HEADER.length, this.position + length));
    }
    this.position += length;
    return bytes;
  }
}

/** Calls `onChunk` for bytes [start, end) of a file, at most one chunk in memory at a time. */
export function forEachChunk(name: string, start: number, end: number, onChunk: (chunk: Buffer) => void): void {
  const reader = new ByteReader(name, start);
  for (let offset = start; offset < end; ) {
    const length = Math.min(GENERATOR_CHUNK_BYTES, end - offset);
    onChunk(reader.read(length));
    offset += length;
  }
}

/** Bytes [start, end) of a file in one buffer: for small ranges in tests. */
export function generateBytes(name: string, start: number, end: number): Buffer {
  const chunks: Buffer[] = [];
  forEachChunk(name, start, end, (chunk) => chunks.push(chunk));
  return Buffer.concat(chunks);
}

/** The sha256 (hex) of the whole file as the host serves it, streamed with constant memory. */
export function expectedSha256(name: string, size: number): string {
  const hash = createHash('sha256');
  forEachChunk(name, 0, size, (chunk) => hash.update(chunk));
  return hash.digest('hex');
}

/** Strong: the bytes are a pure function of (name, size). */
export function etagFor(name: string, size: number): string {
  return `"${createHash('sha256').update(`${name}\0${size}`).digest('hex').slice(0, 24)}"`;
}
