import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ProblemError } from '../problem';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Bearer API keys on /api/* when API_KEYS is set; open otherwise (local development). */
export function apiKeyAuth(apiKeys: readonly string[]): RequestHandler {
  const accepted = apiKeys.map(digest);
  return (req, _res, next) => {
    if (accepted.length === 0) return next();
    const match = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '');
    const presented = match ? digest(match[1].trim()) : undefined;
    // Compare digests in constant time so a key can't be guessed byte by byte.
    if (presented && accepted.some((key) => timingSafeEqual(key, presented))) return next();
    next(
      new ProblemError(401, 'Unauthorized', match ? 'The API key is not valid' : 'Authorization: Bearer <API key> is required', undefined, {
        'WWW-Authenticate': 'Bearer realm="durable-pipelines"',
      }),
    );
  };
}
