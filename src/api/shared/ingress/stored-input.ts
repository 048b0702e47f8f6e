import type { Readable } from 'node:stream';
import { ObjectTooLargeError, type ObjectStore, type PutResult } from '../../../infra/storage';
import { tooLarge } from './errors';

/**
 * Streams a client's input into object storage under `key` (never whole in memory). Past
 * `maxBytes` the store aborts and keeps nothing: 413 naming `field`. On any failure the source is
 * destroyed, so an upload or a remote download stops instead of waiting on a reader that left.
 */
export async function putInput(store: ObjectStore, key: string, body: Readable, opts: { maxBytes: number; contentType: string; field: string }): Promise<PutResult> {
  try {
    return await store.put(key, body, { contentType: opts.contentType, maxBytes: opts.maxBytes });
  } catch (err) {
    body.destroy();
    if (err instanceof ObjectTooLargeError) throw tooLarge(opts.field, opts.maxBytes);
    throw err;
  }
}

/**
 * Records the row that claims an idempotency key for an input this request stored (`storedKey`;
 * undefined when the input was already in storage and is not ours to delete). When a concurrent
 * request with the same key claimed it first (`claim` answers false), or recording fails, the
 * stored input is deleted: losing the race leaves nothing behind.
 */
export async function claimStoredInput(store: ObjectStore, storedKey: string | undefined, claim: () => Promise<boolean>): Promise<boolean> {
  let claimed: boolean;
  try {
    claimed = await claim();
  } catch (err) {
    if (storedKey) await store.delete(storedKey).catch(() => undefined);
    throw err;
  }
  if (!claimed && storedKey) await store.delete(storedKey);
  return claimed;
}
