import type { Request, RequestHandler } from 'express';
import { invalidField } from './errors';

/**
 * One rule for every route: the key becomes part of a workflow id (`etl-<key>`) and of object
 * storage keys (`etl/inputs/etl-<key>-….csv`), so it may only hold what a storage key segment holds
 * (letters, digits, "_", "." and "-"; see infra/storage/object-key.ts). Anything else is refused
 * before the body is read, instead of failing halfway through storing it.
 */
const KEY = /^[A-Za-z0-9_.-]{1,128}$/;
const RULE = 'must be 1–128 characters of letters, digits, "_", "." or "-"';

/** The request's Idempotency-Key, undefined without one; 400 naming the header when it breaks the rule. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key !== undefined && !KEY.test(key)) throw invalidField('headers.idempotency-key', RULE);
  return key;
}

export const requireValidIdempotencyKey: RequestHandler = (req, _res, next) => {
  idempotencyKeyOf(req);
  next();
};
