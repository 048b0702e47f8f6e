import type { ErrorRequestHandler, RequestHandler } from 'express';
import { invalidField } from './errors';
import { NUL_MESSAGE, fieldPath, hasNul } from './text-rules';

function firstNul(values: Record<string, unknown>, base: string): string | undefined {
  for (const [name, value] of Object.entries(values)) {
    const strings = Array.isArray(value) ? value : [value];
    if (hasNul(name) || strings.some((s) => typeof s === 'string' && hasNul(s))) return fieldPath(base, [name]);
  }
  return undefined;
}

/** A NUL in a path id or a query parameter is refused by name before any handler looks it up. */
export const rejectNulInParams: RequestHandler = (req, _res, next) => {
  const field = firstNul(req.params, 'params') ?? firstNul(req.query as Record<string, unknown>, 'query');
  next(field ? invalidField(field, NUL_MESSAGE) : undefined);
};

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Express fails to decode a path parameter like `%E0%A4%A` while matching, before any route runs,
 * with an error that does not say which parameter: find it from the route templates, so the 400
 * names it like every other field.
 */
export function paramDecodeErrors(paths: readonly string[]): ErrorRequestHandler {
  const templates = paths.map((p) => ({
    names: [...p.matchAll(/:(\w+)/g)].map((m) => m[1]),
    pattern: new RegExp(`^${p.split(/:\w+/).map(escapeRegExp).join('([^/]+)')}/?$`),
  }));
  const decodes = (raw: string) => {
    try {
      decodeURIComponent(raw);
      return true;
    } catch {
      return false;
    }
  };
  return (err, req, _res, next) => {
    if (!(err instanceof URIError) || (err as URIError & { status?: number }).status !== 400) return next(err);
    for (const { names, pattern } of templates) {
      const match = pattern.exec(req.path);
      const index = match ? names.findIndex((_, i) => !decodes(match[i + 1])) : -1;
      if (index >= 0) return next(invalidField(`params.${names[index]}`, 'is not valid percent-encoding'));
    }
    next(invalidField('path', 'is not valid percent-encoding'));
  };
}
