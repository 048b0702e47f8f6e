import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { Request } from 'express';
import { invalidField, tooLarge } from './errors';
import { NUL_MESSAGE, hasNul } from './text-rules';

export interface MultipartLimits {
  fileBytes: number;
  fields: number;
  fieldBytes: number;
}

export interface IncomingFile {
  stream: Readable;
  /** As the client named it; '' when it sent none. */
  filename: string;
  mimeType: string;
}

export interface MultipartUpload<T> {
  fields: Record<string, string>;
  file: T;
}

export interface ReadMultipartOptions<T> {
  /** The one file part taken; any other file part is refused. */
  fileField: string;
  limits: MultipartLimits;
  /** Consumes the file as it arrives (into object storage: never whole in memory). */
  receive(file: IncomingFile): Promise<T>;
  /** Undoes `receive` (deletes what it stored) when the request fails after it. */
  discard(file: T): Promise<void>;
}

/**
 * Reads a multipart/form-data body: its text fields, and its one file part, handed to `receive` as
 * a stream. Settles once the whole body was read and `receive` finished, or at the first failure,
 * as a ProblemError naming the field: 400 for a malformed body, a NUL, a missing or extra file;
 * 413 when the file passes `limits.fileBytes` or a field `limits.fieldBytes`. A file past its limit
 * has its stream failed, so `receive` publishes nothing; whatever it did publish is discarded when
 * the request fails later. The caller answers; `releaseRequest` lets the unread rest of the body go.
 */
export function readMultipart<T>(req: Request, opts: ReadMultipartOptions<T>): Promise<MultipartUpload<T>> {
  const { fileField, limits } = opts;
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // busboy cuts a file at `fileSize` and flags it: one byte of room tells "exactly the limit" from "over it".
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { files: 1, fileSize: limits.fileBytes + 1, fields: limits.fields, fieldSize: limits.fieldBytes, parts: limits.fields + 1 },
      });
    } catch (err) {
      reject(invalidField('body', `not a multipart/form-data body (${(err as Error).message})`));
      return;
    }

    const fields: Record<string, string> = {};
    let state: 'reading' | 'done' | 'failed' = 'reading';
    let receiving: Promise<T> | undefined;
    let truncated = false;

    // Answers only once `receive` has settled and what it stored is gone, so a client that looks
    // right after its 4xx finds nothing; failing the file stream makes `receive` settle promptly.
    const fail = (err: unknown) => {
      if (state !== 'reading') return;
      state = 'failed';
      req.unpipe(parser);
      parser.destroy();
      const undone = receiving ? receiving.then((file) => opts.discard(file), () => undefined) : Promise.resolve();
      void undone.catch(() => undefined).then(() => reject(err));
    };

    parser.on('field', (name, value, info) => {
      if (state !== 'reading') return;
      if (info.valueTruncated) return fail(tooLarge(`body.${name}`, limits.fieldBytes));
      if (hasNul(name) || hasNul(value)) return fail(invalidField(`body.${name}`, NUL_MESSAGE));
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      // Failures reach `receive` through its reads; one before it started reading must not go unhandled.
      stream.on('error', () => undefined);
      if (state !== 'reading') return void stream.resume();
      if (name !== fileField) {
        stream.resume();
        return fail(invalidField(`body.${name}`, `only one file is taken, in the "${fileField}" field`));
      }
      if (hasNul(info.filename ?? '')) {
        stream.resume();
        return fail(invalidField(fileField, `the file name ${NUL_MESSAGE}`));
      }
      stream.on('limit', () => {
        truncated = true;
        // busboy still touches the stream after emitting 'limit': fail it once busboy is done with this chunk.
        process.nextTick(() => {
          const problem = tooLarge(fileField, limits.fileBytes);
          stream.destroy(problem);
          fail(problem);
        });
      });
      receiving = opts.receive({ stream, filename: info.filename ?? '', mimeType: info.mimeType });
      receiving.catch((err: unknown) => fail(err));
    });
    parser.on('filesLimit', () => fail(invalidField(fileField, 'only one file is taken')));
    parser.on('fieldsLimit', () => fail(invalidField('body', `more than ${limits.fields} fields`)));
    parser.on('partsLimit', () => fail(invalidField('body', `more than ${limits.fields + 1} parts`)));
    parser.on('error', (err: Error) => fail(invalidField('body', `malformed multipart body (${err.message})`)));
    parser.on('close', () => {
      if (state !== 'reading') return;
      if (!receiving) return fail(invalidField(fileField, `a multipart field named "${fileField}" is required`));
      receiving.then(
        (file) => {
          if (state !== 'reading') return;
          if (truncated) return fail(tooLarge(fileField, limits.fileBytes));
          state = 'done';
          resolve({ fields, file });
        },
        () => undefined,
      );
    });
    // A client that goes away mid-body never lets busboy finish: stop storing its half-sent file.
    req.once('close', () => {
      if (!req.complete) fail(invalidField('body', 'the connection closed before the body was complete'));
    });
    req.pipe(parser);
  });
}
