import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';

/**
 * Checks real answers against `/openapi.json` with a JSON Schema 2020-12 validator (OpenAPI 3.1's
 * dialect). An exchange names the documented route template it called, so coverage is per
 * documented operation.
 */
export interface Exchange {
  method: string;
  /** The documented path, e.g. `/api/risk-assessments/{id}`. */
  route: string;
  status: number;
  contentType: string;
  /** Parsed JSON; text as a string; for an event stream, its events. */
  body: unknown;
}

export interface SseEvent {
  event: string;
  data: unknown;
}

type Json = Record<string, any>;

export interface OpenApiDocument {
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json> };
}

export async function fetchOpenApi(apiUrl: string): Promise<OpenApiDocument> {
  return (await (await fetch(`${apiUrl}/openapi.json`)).json()) as OpenApiDocument;
}

/** Every documented operation as `METHOD /path/{param}`. */
export function documentedOperations(doc: OpenApiDocument): string[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
}

/** `#/components/schemas/X` references replaced by the schema, so each response schema compiles on its own. */
function inline(schema: unknown, components: Record<string, Json>): unknown {
  if (Array.isArray(schema)) return schema.map((s) => inline(s, components));
  if (!schema || typeof schema !== 'object') return schema;
  const ref = (schema as Json).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) return inline(components[ref.slice('#/components/schemas/'.length)], components);
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, inline(v, components)]));
}

/** Validates exchanges against the document; returns what is wrong with each (empty when it conforms). */
export function contractValidator(doc: OpenApiDocument): (exchange: Exchange) => string[] {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  const compiled = new Map<string, ValidateFunction>();
  const compile = (key: string, schema: Json): ValidateFunction => {
    let fn = compiled.get(key);
    if (!fn) compiled.set(key, (fn = ajv.compile(inline(schema, doc.components.schemas) as Json)));
    return fn;
  };
  const check = (fn: ValidateFunction, value: unknown, where: string): string[] =>
    fn(value) ? [] : [`${where}: ${ajv.errorsText(fn.errors, { separator: '; ' })} in ${JSON.stringify(value).slice(0, 400)}`];

  return (x) => {
    const label = `${x.method} ${x.route} → ${x.status} ${x.contentType}`;
    const operation = doc.paths[x.route]?.[x.method.toLowerCase()];
    if (!operation) return [`${label}: not documented`];
    const response = operation.responses[String(x.status)] ?? operation.responses.default;
    if (!response) return [`${label}: status not documented`];
    const type = x.contentType.split(';')[0].trim();
    const media = response.content?.[type];
    if (!media) return [`${label}: media type not documented for this status (documented: ${Object.keys(response.content ?? {}).join(', ') || 'none'})`];
    const key = `${x.method} ${x.route} ${x.status} ${type}`;
    if (type === 'text/event-stream') {
      const events = x.body as SseEvent[];
      if (events.length === 0) return [`${label}: no events`];
      return events.flatMap((e, i) => {
        const schema = media['x-events']?.[e.event];
        return schema ? check(compile(`${key} ${e.event}`, schema), e.data, `${label} event ${i} (${e.event})`) : [`${label}: event ${e.event} not documented`];
      });
    }
    return check(compile(key, media.schema), x.body, label);
  };
}

/** A server-sent event stream read to its end: `event:` / `data:` blocks, data parsed as JSON. */
export function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
      const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
      return { event, data: JSON.parse(data) };
    });
}
