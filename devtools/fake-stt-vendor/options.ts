import { z } from 'zod';

/**
 * Every knob of the fake vendor. The same schema validates constructor options, CLI flags/env
 * (after string coercion) and live `POST /admin/config` patches, so the three never drift.
 */

/**
 * Which vendor route answers nothing at all (the connection stays open until the client gives up).
 * `transcriptions` is the OpenAI-compatible `POST /v1/audio/transcriptions`.
 */
export const HANG_TARGETS = ['off', 'authenticate', 'submit', 'poll', 'transcriptions', 'all'] as const;
export type HangTarget = (typeof HANG_TARGETS)[number];
export type VendorRoute = Exclude<HangTarget, 'off' | 'all'>;

export const RETRY_AFTER_FORMATS = ['seconds', 'http-date'] as const;

const rate = z.number().min(0).max(1);
const nonNegativeInt = z.number().int().min(0);

export const fakeSttVendorOptionsSchema = z.object({
  /** How long a job stays `transcribing` after submit; how long an OpenAI-compatible request waits for its answer. */
  processingMs: nonNegativeInt,
  /**
   * Jobs per account from submit until their completed result is fetched once (or they fail); an
   * OpenAI-compatible request counts as a job until it is answered. Over it: 429. 0 = unlimited.
   */
  maxConcurrentJobs: nonNegativeInt,
  /** Minimum gap between accepted polls of one job; closer polls get 429 A0003. 0 = off. */
  minPollIntervalMs: nonNegativeInt,
  /** Share of submit/poll/transcription requests answered 429 regardless of load (the seed's "occasional 429"). */
  random429Rate: rate,
  /**
   * The RTZR code random 429s carry: A0003 (request rate, the default), A0002 (concurrent jobs) or
   * A0001 (usage quota). The account's real concurrency limit always answers A0002.
   */
  random429Code: z.enum(['A0001', 'A0002', 'A0003']),
  /** Share of submit/poll/transcription requests answered 500. */
  random500Rate: rate,
  /** Share of jobs that end in status `failed`. */
  failureRate: rate,
  /** Seed of the PRNG behind the random rates, so a test run is reproducible. */
  seed: z.number().int(),
  /** Send `Retry-After` with every 429 except a spent quota's. */
  retryAfter: z.boolean(),
  retryAfterSeconds: z.number().int().min(1),
  retryAfterFormat: z.enum(RETRY_AFTER_FORMATS),
  /** Access tokens stop working this long after issue (401 H0002). RTZR's are 6 h. */
  tokenLifetimeMs: z.number().int().min(1),
  /** A completed result can be fetched for this long; afterwards 410 H0007. */
  resultTtlMs: z.number().int().min(1),
  /** Every submit gets 429 A0001, every transcription 429 `insufficient_quota` (the account's usage quota is spent). */
  quotaExhausted: z.boolean(),
  hang: z.enum(HANG_TARGETS),
  /** Uploads above this get 413 H0005. */
  maxFileBytes: z.number().int().min(1),
  /** Audio estimated longer than this gets 413 H0006 (estimated from size: the fake cannot decode audio). */
  maxAudioSeconds: z.number().int().min(1),
  /** Required credentials; unset accepts any non-empty pair and treats client_id as the account. */
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  /** The OpenAI-compatible route's required bearer key; unset accepts any key (or none) and treats it as the account. */
  apiKey: z.string().min(1).optional(),
});

export type FakeSttVendorOptions = z.infer<typeof fakeSttVendorOptionsSchema>;
export const fakeSttVendorOptionsPatchSchema = fakeSttVendorOptionsSchema.partial().strict();
export type FakeSttVendorOptionsPatch = z.infer<typeof fakeSttVendorOptionsPatchSchema>;

export const DEFAULT_FAKE_STT_VENDOR_OPTIONS: FakeSttVendorOptions = {
  processingMs: 3_000,
  maxConcurrentJobs: 10,
  minPollIntervalMs: 0,
  random429Rate: 0,
  random429Code: 'A0003',
  random500Rate: 0,
  failureRate: 0,
  seed: 1,
  retryAfter: true,
  retryAfterSeconds: 5,
  retryAfterFormat: 'seconds',
  tokenLifetimeMs: 6 * 60 * 60 * 1000,
  resultTtlMs: 60 * 60 * 1000,
  quotaExhausted: false,
  hang: 'off',
  maxFileBytes: 100 * 1024 * 1024,
  maxAudioSeconds: 4 * 60 * 60,
};

export class FakeSttVendorOptionsError extends Error {
  override name = 'FakeSttVendorOptionsError';
}

/** Applies a patch, or throws one line naming the first bad knob. */
export function mergeOptions(base: FakeSttVendorOptions, patch: unknown): FakeSttVendorOptions {
  const parsed = fakeSttVendorOptionsPatchSchema.safeParse(patch);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const knob = issue.path.length > 0 ? issue.path.join('.') : 'options';
    throw new FakeSttVendorOptionsError(`${knob}: ${issue.message}`);
  }
  const defined = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
  return { ...base, ...defined };
}
