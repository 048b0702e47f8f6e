import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { ingressFor, paramDecodeErrors, releaseRequest, type IngressOptions } from './ingress';
import { ProblemError, type FieldError } from './problem';

/**
 * A route is declared once with its schemas; the same declaration validates requests and
 * produces the OpenAPI document, so the two can never disagree.
 */
export interface ResponseSpec {
  description: string;
  /** The body's schema; for a 4xx/5xx without one, the document shows RFC 7807 problem details. */
  schema?: z.ZodType;
  /** Default: application/json, or application/problem+json for 4xx/5xx. */
  contentType?: string;
  /** Other media types the same status answers with on request (Accept), e.g. `text/csv`. */
  alternatives?: Record<string, { schema: z.ZodType; description?: string }>;
  /** A text/event-stream's events: event name → schema of its JSON `data`. */
  events?: Record<string, z.ZodType>;
}

export interface RouteSpec<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  method: 'get' | 'post' | 'put' | 'delete';
  /** Express-style path, e.g. `/api/runs/:workflowId`. */
  path: string;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Headers documented for the operation (e.g. Idempotency-Key); a documented Idempotency-Key is checked before the body is read. */
  headers?: Record<string, string>;
  /** The operation also takes multipart/form-data, which its handler streams itself (ingress `readMultipart`); names the file field. */
  multipart?: { file: string; description: string };
  responses: Record<number, ResponseSpec>;
  handler: (input: { params: z.infer<P>; query: z.infer<Q>; body: z.infer<B>; req: Request; res: Response }) => Promise<void> | void;
}

export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(spec: RouteSpec<P, Q, B>): RouteSpec {
  return spec as unknown as RouteSpec;
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

function validate<T extends z.ZodType>(schema: T | undefined, value: unknown, where: string): z.infer<T> {
  if (!schema) return value as z.infer<T>;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.map((issue) => ({
    field: fieldPath([where, ...issue.path]),
    message: issue.message,
  }));
  const first = errors[0];
  throw new ProblemError(400, 'Invalid request', `${first.field}: ${first.message}`, errors);
}

/** What an operation without a documented body accepts: nothing, or an empty JSON object. */
const NO_BODY = z.strictObject({});

export function mountRoutes(router: Router, routes: readonly RouteSpec[], ingress: IngressOptions): void {
  for (const route of routes) {
    const handler: RequestHandler = async (req, res) => {
      res.locals.route = route.path;
      const params = validate(route.params, req.params, 'params');
      const query = validate(route.query, req.query, 'query');
      // Upload routes validate their JSON form themselves; it is one of two shapes of input.
      const body = validate(route.body ?? (route.multipart ? undefined : NO_BODY), req.body ?? {}, 'body');
      await route.handler({ params, query, body, req, res });
      // A handler may answer without needing the body (an upload whose key was already accepted).
      releaseRequest(req);
    };
    router[route.method](route.path, ...ingressFor(route, ingress), handler);
  }
  router.use(paramDecodeErrors(routes.map((r) => r.path)));
}
