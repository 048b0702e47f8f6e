import { z } from 'zod';
import { listenPort, positiveInt } from '../../config/env';

/** The OpenAI-compatible model server that writes feedback, and how hard the workers may press it. */
export const modelEnv = z.object({
  // Unset: `npm start` runs the fake model server (dev tool) and points this at it.
  LLM_BASE_URL: z.string().url().optional(),
  LLM_MODEL: z.string().min(1).default('eco-feedback-1'),
  LLM_API_KEY: z.string().optional(),
  /** Concurrent requests the workers send at most; the vendor gate learns a lower account limit from 429s. */
  LLM_MAX_IN_FLIGHT: positiveInt.default(8),
  LLM_REQUEST_TIMEOUT_S: positiveInt.default(120),
  /** Longest silence between two streamed chunks (or before the first) before the call is given up and made again. */
  LLM_IDLE_TIMEOUT_MS: positiveInt.default(30_000),
  /** How long a model call holds its slot without renewing it: a worker that died frees its slot after this. */
  LLM_SLOT_LEASE_MS: positiveInt.default(30_000),
  /** Pause after the n-th 429 in a row when the server sent no Retry-After: exponential from this, up to LLM_BACKOFF_MAX_MS. */
  LLM_BACKOFF_BASE_MS: positiveInt.default(1_000),
  LLM_BACKOFF_MAX_MS: positiveInt.default(60_000),
  FAKE_LLM_PORT: listenPort.default(0),
});

export function modelSettingsFrom(e: z.output<typeof modelEnv>) {
  return {
    baseUrl: e.LLM_BASE_URL,
    model: e.LLM_MODEL,
    apiKey: e.LLM_API_KEY,
    maxInFlight: e.LLM_MAX_IN_FLIGHT,
    requestTimeoutMs: e.LLM_REQUEST_TIMEOUT_S * 1000,
    idleTimeoutMs: e.LLM_IDLE_TIMEOUT_MS,
    slotLeaseMs: e.LLM_SLOT_LEASE_MS,
    backoffBaseMs: e.LLM_BACKOFF_BASE_MS,
    backoffMaxMs: e.LLM_BACKOFF_MAX_MS,
    fakeServerPort: e.FAKE_LLM_PORT,
  };
}
