import { z } from 'zod';

/**
 * Every knob of the fake model server. The same schema validates constructor options, CLI
 * flags/env (after string coercion) and live `POST /admin/config` patches, so the three never drift.
 * `…Next` knobs count down: the next N requests misbehave, then the server is well again.
 */

const rate = z.number().min(0).max(1);
const count = z.number().int().min(0);

export const fakeModelServerOptionsSchema = z.object({
  /** Delay before each streamed token, and per token for a non-streaming answer. */
  tokenLatencyMs: z.number().min(0),
  /** Tokens per SSE chunk. */
  tokensPerChunk: z.number().int().min(1),
  /** Requests answered at once; beyond it 429 with Retry-After. 0 = unlimited. */
  maxConcurrentRequests: count,
  /** Retry-After on 429 and 503, in seconds (fractions allowed: vLLM proxies send them, our client reads them). */
  retryAfterSeconds: z.number().min(0),
  /** Share of requests answered 503 with Retry-After, and a count of the next requests answered so. */
  unavailableRate: rate,
  unavailableNext: count,
  /** A stream chunk that is not JSON, halfway through the answer. */
  malformedRate: rate,
  malformedNext: count,
  /** The stream stops halfway and the connection stays open until the client gives up. */
  hangRate: rate,
  hangNext: count,
  /** An answer that is not valid JSON for the requested schema (to exercise the repair). */
  invalidJsonRate: rate,
  invalidJsonNext: count,
  /** Seed of the PRNG behind the rates, so a run is reproducible. */
  seed: z.number().int(),
  /** The required bearer key; unset accepts any key or none. */
  apiKey: z.string().min(1).optional(),
});

export type FakeModelServerOptions = z.infer<typeof fakeModelServerOptionsSchema>;
export const fakeModelServerOptionsPatchSchema = fakeModelServerOptionsSchema.partial().strict();
export type FakeModelServerOptionsPatch = z.infer<typeof fakeModelServerOptionsPatchSchema>;

export const DEFAULT_FAKE_MODEL_SERVER_OPTIONS: FakeModelServerOptions = {
  tokenLatencyMs: 5,
  tokensPerChunk: 4,
  maxConcurrentRequests: 0,
  retryAfterSeconds: 1,
  unavailableRate: 0,
  unavailableNext: 0,
  malformedRate: 0,
  malformedNext: 0,
  hangRate: 0,
  hangNext: 0,
  invalidJsonRate: 0,
  invalidJsonNext: 0,
  seed: 1,
};

export class FakeModelServerOptionsError extends Error {
  override name = 'FakeModelServerOptionsError';
}

/** Applies a patch, or throws one line naming the first bad knob. */
export function mergeModelOptions(base: FakeModelServerOptions, patch: unknown): FakeModelServerOptions {
  const parsed = fakeModelServerOptionsPatchSchema.safeParse(patch);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const knob = issue.path.length > 0 ? issue.path.join('.') : 'options';
    throw new FakeModelServerOptionsError(`${knob}: ${issue.message}`);
  }
  const defined = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
  return { ...base, ...defined };
}
