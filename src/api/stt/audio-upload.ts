import { randomUUID } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import busboy from 'busboy';
import type { Request } from 'express';
import { AUDIO_SNIFF_BYTES, audioTypeOf, type AudioType } from '../../domain/stt/audio-types';
import { ObjectTooLargeError, type ObjectStore } from '../../infra/storage';
import { ProblemError } from '../shared/problem';

export interface StoredUpload {
  key: string;
  size: number;
  sha256: string;
  filename: string;
  type: AudioType;
  fields: Record<string, string>;
}

const bad = (field: string, message: string, status = 400) =>
  new ProblemError(status, status === 413 ? 'Upload too large' : 'Invalid upload', `${field}: ${message}`, [{ field, message }]);

/** Reads the first bytes of the stream (to recognise the format) and returns a stream that still yields everything. */
function sniff(file: Readable): Promise<{ head: Buffer; body: Readable }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const finish = (ended: boolean) => {
      file.off('data', onData);
      file.off('end', onEnd);
      file.pause();
      const head = Buffer.concat(chunks);
      const body = new PassThrough();
      body.write(head);
      if (ended) body.end();
      else file.pipe(body);
      resolve({ head, body });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= AUDIO_SNIFF_BYTES) finish(false);
    };
    const onEnd = () => finish(true);
    file.on('data', onData);
    file.once('end', onEnd);
    file.once('error', reject);
  });
}

/**
 * Streams a multipart `file` straight into object storage (never whole in memory), after
 * checking from its first bytes that it is audio the vendor accepts. Anything wrong leaves
 * nothing stored.
 */
export function receiveAudioUpload(req: Request, store: ObjectStore, maxBytes: number): Promise<StoredUpload> {
  return new Promise<StoredUpload>((resolve, reject) => {
    const fields: Record<string, string> = {};
    let stored: Promise<StoredUpload> | undefined;
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes, fields: 20, fieldSize: 10_000 } });
    } catch {
      reject(bad('body', 'expected multipart/form-data with a file field'));
      return;
    }
    parser.on('field', (name, value) => (fields[name] = value));
    parser.on('file', (name, file, info) => {
      if (name !== 'file') {
        file.resume();
        return;
      }
      stored = storeAudioStream(store, file, { filename: info.filename || 'audio', mimeType: info.mimeType, maxBytes, fields, field: 'file' });
      stored.catch(() => undefined);
    });
    parser.on('error', () => reject(bad('body', 'malformed multipart body')));
    parser.on('close', () => {
      if (!stored) reject(bad('file', 'a multipart field named "file" is required'));
      else stored.then(resolve, reject);
    });
    req.pipe(parser);
  });
}

/** Stores audio from any stream (an upload or a fetched URL); `field` names the input in errors. */
export async function storeAudioStream(
  store: ObjectStore,
  file: Readable,
  opts: { filename: string; mimeType?: string; maxBytes: number; fields: Record<string, string>; field: string },
): Promise<StoredUpload> {
  const { filename, mimeType, maxBytes, fields, field } = opts;
  let truncated = false;
  file.on('limit', () => (truncated = true));
  const { head, body } = await sniff(file);
  if (head.length === 0) {
    body.resume();
    throw bad(field, 'the file is empty');
  }
  const type = audioTypeOf(filename, mimeType, head);
  if (!type) {
    body.resume();
    throw bad(field, 'not a supported audio file (mp4, m4a, mp3, amr, flac or wav)', 415);
  }
  const key = `stt/uploads/${randomUUID()}.${type.ext}`;
  let put;
  try {
    put = await store.put(key, body, { contentType: type.contentType, maxBytes });
  } catch (err) {
    if (err instanceof ObjectTooLargeError) throw bad(field, `larger than the ${maxBytes}-byte limit`, 413);
    throw err;
  }
  if (truncated) {
    await store.delete(key);
    throw bad(field, `larger than the ${maxBytes}-byte limit`, 413);
  }
  return { key, size: put.size, sha256: put.sha256, filename, type, fields };
}
