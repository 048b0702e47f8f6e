import { z } from 'zod';

/** Value types shared by every configuration slice, so each variable is read the same way everywhere. */

export const port = z.coerce.number().int().min(1).max(65535);
/** A port to listen on, where 0 lets the system pick a free one (several stacks on one host, tests). */
export const listenPort = z.coerce.number().int().min(0).max(65535);
export const positiveInt = z.coerce.number().int().positive();
export const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

/** `a, b,c` → ['a', 'b', 'c']; unset or empty → []. */
export const commaList = z
  .string()
  .optional()
  .transform((v) => (v ? v.split(',').map((item) => item.trim()).filter(Boolean) : []));

export const taskQueueName = z.string().min(1);

export const postgresUrl = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && u.hostname !== '';
  } catch {
    return false;
  }
}, 'must be a URL like postgres://user@host:5432/dbname');

export const hostPort = z.string().regex(/^[\w.-]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233');
