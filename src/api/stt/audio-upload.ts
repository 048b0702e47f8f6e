import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Request } from 'express';
import { AUDIO_SNIFF_BYTES, audioTypeOf, type AudioType } from '../../domain/stt/audio-types';
import type { ObjectStore } from '../../infra/storage';
import { invalidField, putInput, readMultipart } from '../shared/ingress';
import { ProblemError } from '../shared/problem';

export interface StoredAudio {
  key: string;
  size: number;
  sha256: string;
  filename: string;
  type: AudioType;
}

export interface StoredUpload extends StoredAudio {
  fields: Record<string, string>;
}

/**
 * Reads the first bytes of the stream (to recognise the format) and returns a stream that still
 * yields everything. Errors of the source (a cut upload, a file past its limit) reach the reader
 * of `body`, so a store writing it aborts instead of waiting.
 */
async function sniff(source: Readable): Promise<{ head: Buffer; body: Readable }> {
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < AUDIO_SNIFF_BYTES) {
    const next = await chunks.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    length += next.value.length;
  }
  const first = Buffer.concat(head);
  async function* everything(): AsyncGenerator<Buffer> {
    try {
      yield first;
      for (let next = ended ? undefined : await chunks.next(); next && !next.done; next = await chunks.next()) yield next.value;
    } finally {
      // Stopped early (the store failed): stop the source too.
      await chunks.return?.();
    }
  }
  return { head: first, body: Readable.from(everything(), { objectMode: false }) };
}

/**
 * Stores an uploaded audio stream after checking from its first bytes
 * that it is audio the vendor accepts; `field` names the input in errors. Anything wrong leaves
 * nothing stored and the source stopped.
 */
export async function storeAudioStream(store: ObjectStore, source: Readable, opts: { filename: string; mimeType?: string; maxBytes: number; field: string }): Promise<StoredAudio> {
  const { filename, mimeType, maxBytes, field } = opts;
  try {
    const { head, body } = await sniff(source);
    if (head.length === 0) throw invalidField(field, 'the file is empty');
    const type = audioTypeOf(filename, mimeType, head);
    if (!type) {
      const message = 'not a supported audio file (mp4, m4a, mp3, amr, flac or wav)';
      throw new ProblemError(415, 'Unsupported Media Type', `${field}: ${message}`, [{ field, message }]);
    }
    const key = `stt/uploads/${randomUUID()}.${type.ext}`;
    const put = await putInput(store, key, body, { maxBytes, contentType: type.contentType, field });
    return { key, size: put.size, sha256: put.sha256, filename, type };
  } catch (err) {
    // Refused or failed: stop the upload or download rather than leave it waiting for a reader.
    source.destroy();
    throw err;
  }
}

/** A multipart `file` (+ option fields), streamed straight into object storage. */
export async function receiveAudioUpload(req: Request, store: ObjectStore, maxBytes: number): Promise<StoredUpload> {
  const { fields, file } = await readMultipart(req, {
    fileField: 'file',
    limits: { fileBytes: maxBytes, fields: 20, fieldBytes: 10_000 },
    receive: (upload) => storeAudioStream(store, upload.stream, { filename: upload.filename || 'audio', mimeType: upload.mimeType, maxBytes, field: 'file' }),
    discard: (stored) => store.delete(stored.key),
  });
  return { ...file, fields };
}
