import { z } from 'zod';

/**
 * Every knob of the sample video host. The same schema validates constructor options, CLI
 * flags/env (after string coercion) and live `POST /admin/config` patches, so the three never drift.
 * A patch replaces whole values: `resetByName` in a patch replaces the map, it is not merged.
 */

/** The host's routes, for `hang` and the per-route request counts. */
export const HOST_ROUTES = ['media', 'playlist', 'redirect', 'status', 'flaky'] as const;
export type HostRoute = (typeof HOST_ROUTES)[number];
/** Which route accepts requests and never answers (the socket stays open until the client gives up). */
export const HANG_TARGETS = ['off', ...HOST_ROUTES, 'all'] as const;
export type HangTarget = (typeof HANG_TARGETS)[number];
/**
 * How a reset cuts the connection. `close` (FIN) delivers exactly the bytes sent, then the client
 * sees a premature end (undici: "other side closed"; node:http: ECONNRESET "aborted"). `rst` sends
 * a TCP RST, which also discards whatever the client had not yet taken off its socket, as on a real
 * network: the client sees at most the bytes sent, often fewer, while `bytesServed` counts all.
 */
export const RESET_STYLES = ['close', 'rst'] as const;
/**
 * Where the bytes of an honoured Range begin. `asked`: where the Range says (RFC 9110). `start`: as
 * many bytes as asked for, taken from byte 0, under a Content-Range that says so, as a broken cache
 * or proxy answers; a resuming client that appends them without checking stores a corrupt file.
 */
export const RANGE_FROM = ['asked', 'start'] as const;

const nonNegativeInt = z.number().int().min(0);

const resetRuleSchema = z
  .object({
    /** Body bytes of one response sent before the socket is destroyed; 0 = right after the headers. */
    afterBytes: nonNegativeInt,
    /** Reset at most this many responses of the name (counted since the rule was configured); 0 or absent = every one. */
    times: nonNegativeInt.optional(),
  })
  .strict();
export type ResetRule = z.infer<typeof resetRuleSchema>;

export const sampleVideoHostOptionsSchema = z.object({
  /** Delay before the status line of every non-admin response. */
  latencyMs: nonNegativeInt,
  /** Body bytes per second per response (HTTP/1.1 sends one at a time per connection); 0 = unthrottled. */
  bandwidthBytesPerSecond: nonNegativeInt,
  /** Reset every media response after this many body bytes; null = off. A `resetByName` rule wins. */
  resetAfterBytes: nonNegativeInt.nullable(),
  /** With `resetAfterBytes`: reset at most this many responses per name; 0 = every one. */
  resetTimes: nonNegativeInt,
  /** Per file name, e.g. `{ "big": { "afterBytes": 6000000, "times": 1 } }`. */
  resetByName: z.record(z.string().min(1), resetRuleSchema),
  resetStyle: z.enum(RESET_STYLES),
  /** false: ignore Range, always 200 with the full body and `accept-ranges: none`. */
  rangeSupported: z.boolean(),
  rangeFrom: z.enum(RANGE_FROM),
  hang: z.enum(HANG_TARGETS),
  /** Media size when a URL has no `?size=`. */
  defaultSizeBytes: nonNegativeInt,
  /** Larger `?size=` values get 400, so a typo cannot start a petabyte stream. */
  maxSizeBytes: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
});

export type SampleVideoHostOptions = z.infer<typeof sampleVideoHostOptionsSchema>;
export const sampleVideoHostOptionsPatchSchema = sampleVideoHostOptionsSchema.partial().strict();
export type SampleVideoHostOptionsPatch = z.infer<typeof sampleVideoHostOptionsPatchSchema>;

export const DEFAULT_SAMPLE_VIDEO_HOST_OPTIONS: SampleVideoHostOptions = {
  latencyMs: 0,
  bandwidthBytesPerSecond: 0,
  resetAfterBytes: null,
  resetTimes: 0,
  resetByName: {},
  resetStyle: 'close',
  rangeSupported: true,
  rangeFrom: 'asked',
  hang: 'off',
  defaultSizeBytes: 1024 * 1024,
  maxSizeBytes: 64 * 1024 ** 3,
};

/** Knobs whose change restarts the "at most K resets per name" count. */
export const RESET_KNOBS: ReadonlyArray<keyof SampleVideoHostOptions> = ['resetAfterBytes', 'resetTimes', 'resetByName'];

export class SampleVideoHostOptionsError extends Error {
  override name = 'SampleVideoHostOptionsError';
}

/** Applies a patch, or throws one line naming the first bad knob. */
export function mergeOptions(base: SampleVideoHostOptions, patch: unknown): SampleVideoHostOptions {
  const parsed = sampleVideoHostOptionsPatchSchema.safeParse(patch);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const knob = issue.path.length > 0 ? issue.path.join('.') : 'options';
    throw new SampleVideoHostOptionsError(`${knob}: ${issue.message}`);
  }
  const defined = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
  return { ...base, ...defined };
}
