import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';

/**
 * A multipart/form-data body that streams its file part, so an upload never has to sit in memory
 * whole (undici's FormData only takes Blobs).
 */

export type MultipartPart =
  | { name: string; value: string }
  | { name: string; filename: string; contentType: string; data: Buffer | Readable };

export interface MultipartBody {
  contentType: string;
  body: AsyncIterable<Uint8Array>;
  /** Known when every part is in memory; a streamed part makes the request chunked. */
  length?: number;
  /**
   * Closes the streamed parts. Call it once the request is over: a vendor that answers (a 429, a
   * 401) before reading the upload leaves the body unread, and an unread stream holds its file or
   * socket open until something errors it with nobody listening.
   */
  dispose(): void;
}

export function multipartBody(parts: MultipartPart[]): MultipartBody {
  const boundary = `----dp-stt-${randomBytes(12).toString('hex')}`;
  const heads = parts.map((part) => Buffer.from(`--${boundary}\r\n${partHeaders(part)}\r\n`, 'utf8'));
  const tail = Buffer.from(`--${boundary}--\r\n`, 'utf8');
  const crlf = Buffer.from('\r\n');
  const sizes = parts.map((part) => ('value' in part ? Buffer.byteLength(part.value) : Buffer.isBuffer(part.data) ? part.data.length : undefined));
  const known = sizes.every((s) => s !== undefined);
  const length = known ? heads.reduce((sum, h, i) => sum + h.length + (sizes[i] as number) + crlf.length, tail.length) : undefined;

  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (const [i, part] of parts.entries()) {
      yield heads[i];
      if ('value' in part) yield Buffer.from(part.value, 'utf8');
      else if (Buffer.isBuffer(part.data)) yield part.data;
      else for await (const chunk of part.data) yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array);
      yield crlf;
    }
    yield tail;
  }

  const dispose = () => {
    for (const part of parts) if ('data' in part && !Buffer.isBuffer(part.data)) part.data.destroy();
  };
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: chunks(), length, dispose };
}

function partHeaders(part: MultipartPart): string {
  if ('value' in part) return `Content-Disposition: form-data; name="${quote(part.name)}"\r\n`;
  return (
    `Content-Disposition: form-data; name="${quote(part.name)}"; filename="${quote(part.filename)}"\r\n` +
    `Content-Type: ${part.contentType.replace(/[\r\n]/g, '')}\r\n`
  );
}

/** Browsers' escaping for names in Content-Disposition (WHATWG HTML, multipart/form-data encoding). */
function quote(name: string): string {
  return name.replace(/\r\n|\r|\n/g, '%0D%0A').replace(/"/g, '%22');
}
