import type { RequestHandler } from 'express';
import { requireValidIdempotencyKey } from './idempotency-key';
import { acceptBody, jsonBody } from './request-body';
import { rejectNulInParams } from './request-params';

/**
 * Ingress: what every request passes before a handler sees it, and the pieces upload handlers use
 * to take files in. One file per job: idempotency-key.ts (the key rule), request-params.ts (path
 * ids and query), request-body.ts + json-guard.ts (which bodies, parsed how, refused why),
 * multipart.ts (uploads with limits), stored-input.ts (into object storage, undone on a lost race),
 * release-request.ts (every request answered), text-rules.ts (NUL, field names, URL file names).
 */
export { invalidField, tooLarge, unsupportedMediaType } from './errors';
export { idempotencyKeyOf } from './idempotency-key';
export { readMultipart, type IncomingFile, type MultipartLimits, type MultipartUpload } from './multipart';
export { paramDecodeErrors } from './request-params';
export { releaseRequest } from './release-request';
export { claimStoredInput, putInput } from './stored-input';
export { assertNoNul, filenameFromUrl } from './text-rules';

export interface IngressOptions {
  /** Largest JSON body, as `express.json` reads it (e.g. `5mb`). */
  jsonLimit: string;
  maxJsonDepth?: number;
}

export interface RouteIngress {
  headers?: Record<string, string>;
  /** The handler reads multipart/form-data itself (with readMultipart). */
  multipart?: unknown;
}

/**
 * The checks in front of one route, in the order that keeps them cheap: path and query, the
 * Idempotency-Key (before any body is read), the content type, then the JSON body.
 */
export function ingressFor(route: RouteIngress, options: IngressOptions): RequestHandler[] {
  const takesKey = Object.keys(route.headers ?? {}).some((h) => h.toLowerCase() === 'idempotency-key');
  return [
    rejectNulInParams,
    ...(takesKey ? [requireValidIdempotencyKey] : []),
    acceptBody({ multipart: route.multipart !== undefined }),
    ...jsonBody({ limit: options.jsonLimit, maxDepth: options.maxJsonDepth }),
  ];
}
