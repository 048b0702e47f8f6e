import { z } from 'zod';
import type { ResponseSpec, RouteSpec } from './route';

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

function parameters(route: RouteSpec): JsonSchema[] {
  const fromObject = (schema: z.ZodType | undefined, location: 'path' | 'query') => {
    if (!schema) return [];
    const json = toSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    return Object.entries(json.properties ?? {}).map(([name, s]) => ({
      name,
      in: location,
      required: location === 'path' || (json.required ?? []).includes(name),
      schema: s,
    }));
  };
  const headers = Object.entries(route.headers ?? {}).map(([name, description]) => ({ name, in: 'header', description, schema: { type: 'string' } }));
  return [...fromObject(route.params, 'path'), ...fromObject(route.query, 'query'), ...headers];
}

function requestBody(route: RouteSpec): JsonSchema {
  const content: JsonSchema = {};
  if (route.multipart) {
    const { file, description } = route.multipart;
    content['multipart/form-data'] = { schema: { type: 'object', description, properties: { [file]: { type: 'string', format: 'binary' } }, required: [file] } };
  }
  if (route.body) content['application/json'] = { schema: toSchema(route.body, 'input') };
  return Object.keys(content).length ? { requestBody: { required: true, content } } : {};
}

const problemSchema = {
  type: 'object',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
  },
};

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

/**
 * One documented response: its schema under its media type (problem+json for errors, whose body
 * is a Problem unless the route says more), any alternative media types, and for an event stream
 * each event's data schema under `x-events` (OpenAPI 3.1 has no keyword for a stream's items).
 */
function response(status: number, spec: ResponseSpec): JsonSchema {
  const error = status >= 400;
  const contentType = spec.contentType ?? (error ? 'application/problem+json' : 'application/json');
  const content: JsonSchema = {};
  if (spec.events) {
    const events = Object.fromEntries(Object.entries(spec.events).map(([name, schema]) => [name, toSchema(schema, 'output')]));
    content[contentType] = { schema: { type: 'string', description: 'Server-sent events; each `data` is JSON, see x-events' }, 'x-events': events };
  } else if (spec.schema) {
    content[contentType] = { schema: toSchema(spec.schema, 'output') };
  } else if (error) {
    content[contentType] = { schema: PROBLEM_REF };
  }
  for (const [type, alternative] of Object.entries(spec.alternatives ?? {})) {
    content[type] = { schema: { ...toSchema(alternative.schema, 'output'), ...(alternative.description ? { description: alternative.description } : {}) } };
  }
  return { description: spec.description, ...(Object.keys(content).length ? { content } : {}) };
}

/** OpenAPI 3.1 generated from the same route declarations that validate requests. */
export function buildOpenApi(routes: readonly RouteSpec[], info: { title: string; version: string }): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const responses: Record<string, JsonSchema> = {};
    for (const [status, spec] of Object.entries(route.responses)) responses[status] = response(Number(status), spec);
    responses.default = { description: 'Error', content: { 'application/problem+json': { schema: PROBLEM_REF } } };
    paths[path] ??= {};
    paths[path][route.method] = {
      summary: route.summary,
      tags: [route.tag],
      parameters: parameters(route),
      ...requestBody(route),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      schemas: { Problem: problemSchema },
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'Required on /api/* when API_KEYS is set' } },
    },
  };
}
