import type { ErrorRequestHandler, Response } from 'express';
import { classifyPgError } from '../../infra/db/errors';
import { releaseRequest } from './ingress/release-request';

/** RFC 7807 problem details; every API error leaves through here. */
export interface FieldError {
  field: string;
  message: string;
}

export class ProblemError extends Error {
  override name = 'ProblemError';
  constructor(
    readonly status: number,
    readonly title: string,
    detail?: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
    /** Extension members of the problem body (RFC 7807 §3.2), e.g. a running job's progress. */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
  }
}

export const notFound = (what: string) => new ProblemError(404, 'Not Found', `${what} was not found`);

export function sendProblem(res: Response, status: number, title: string, detail: string, extra: Record<string, unknown> = {}): void {
  res
    .status(status)
    .type('application/problem+json')
    .json({ type: 'about:blank', title, status, detail, instance: res.req.originalUrl, requestId: res.locals.requestId, ...extra });
}

/** Body-parser failures carry a `type`; map the ones clients cause to 4xx. */
const BODY_ERRORS: Record<string, [number, string]> = {
  'entity.parse.failed': [400, 'Malformed JSON body'],
  'entity.too.large': [413, 'Request body too large'],
  'encoding.unsupported': [415, 'Unsupported content encoding'],
  'charset.unsupported': [415, 'Unsupported charset'],
  'request.aborted': [400, 'Request aborted'],
  'request.size.invalid': [400, 'Request size did not match Content-Length'],
};

export const problemHandler: ErrorRequestHandler = (err, req, res, _next) => {
  // Whatever failed, the client gets this answer: an unread (or half-read) body must not hold it.
  releaseRequest(req);
  if (err instanceof ProblemError) {
    res.set(err.headers);
    sendProblem(res, err.status, err.title, err.message, { ...err.extensions, ...(err.errors ? { errors: err.errors } : {}) });
    return;
  }
  const bodyError = typeof err?.type === 'string' ? BODY_ERRORS[err.type] : undefined;
  if (bodyError) {
    sendProblem(res, bodyError[0], bodyError[1], String(err.message));
    return;
  }
  if (classifyPgError(err) === 'transient') {
    // A lost connection, a timeout or a lock wait: nothing was stored (each request writes in one
    // transaction), so the same request can simply be sent again.
    res.locals.logger?.warn({ err }, 'transient database failure');
    res.set('Retry-After', '1');
    sendProblem(res, 503, 'Service Unavailable', 'The database could not complete the request; a request that fails stores nothing, so send it again.');
    return;
  }
  res.locals.logger?.error({ err }, 'unhandled error');
  sendProblem(res, 500, 'Internal Server Error', 'The server failed to handle the request; see the logs with this requestId.');
};
