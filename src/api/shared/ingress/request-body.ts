import express, { type Request, type RequestHandler } from 'express';
import { invalidField, unsupportedMediaType } from './errors';
import { findJsonDefect, MAX_JSON_DEPTH } from './json-guard';

const JSON_TYPE = 'application/json';
const MULTIPART_TYPE = 'multipart/form-data';

/** A body is present when bytes are announced: `Content-Length: 0` (what clients send for an empty POST) is none. */
function carriesBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(req.headers['content-length'] ?? 0);
  return Number.isNaN(length) || length > 0;
}

/**
 * Only the documented bodies get in: JSON everywhere, and multipart/form-data on upload routes,
 * whose handlers stream it themselves (see multipart.ts). Anything else is a 415 before a byte
 * of it is read, rather than a body silently taken as `{}`.
 */
export function acceptBody(opts: { multipart: boolean }): RequestHandler {
  const accepted = opts.multipart ? `${MULTIPART_TYPE} or ${JSON_TYPE}` : JSON_TYPE;
  return (req, _res, next) => {
    if (!carriesBody(req) || req.is(JSON_TYPE) || (opts.multipart && req.is(MULTIPART_TYPE))) return next();
    next(unsupportedMediaType(accepted));
  };
}

/** Parses a JSON body within `limit` (413 past it), then refuses deep nesting and NUL characters, naming where. */
export function jsonBody(opts: { limit: string; maxDepth?: number }): RequestHandler[] {
  const parse = express.json({ limit: opts.limit, type: JSON_TYPE });
  const guard: RequestHandler = (req, _res, next) => {
    const defect = req.body === undefined ? undefined : findJsonDefect(req.body, 'body', opts.maxDepth ?? MAX_JSON_DEPTH);
    next(defect ? invalidField(defect.field, defect.message) : undefined);
  };
  return [parse, guard];
}
