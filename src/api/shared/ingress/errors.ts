import { ProblemError } from '../problem';

/** The problems ingress answers with; each names the offending field (`body.x`, `params.id`, `headers.idempotency-key`, `file`). */

export const invalidField = (field: string, message: string): ProblemError =>
  new ProblemError(400, 'Invalid request', `${field}: ${message}`, [{ field, message }]);

export const tooLarge = (field: string, maxBytes: number): ProblemError => {
  const message = `larger than the ${maxBytes}-byte limit`;
  return new ProblemError(413, 'Payload too large', `${field}: ${message}`, [{ field, message }]);
};

export const unsupportedMediaType = (accepted: string): ProblemError => {
  const message = `must be ${accepted} for this operation`;
  return new ProblemError(415, 'Unsupported Media Type', `headers.content-type: ${message}`, [{ field: 'headers.content-type', message }]);
};
