// The contrast bench:stt measures the durable pipeline against, run in the same benchmark: the seed's
// design (seeds/stt-429-postmortem): N workers in one process, each submitting a file and then polling
// it every second, with no gate shared between them and no cap on jobs in flight. A worker that meets
// a 429 backs off alone (Retry-After, else exponential); the others keep calling. No Temporal, no
// PostgreSQL: the same RTZR client the pipeline uses, driven by plain loops.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelayMs } from '../src/domain/shared/backoff';
import { SttQuotaExceededError, SttRateLimitedError, SttTransientError } from '../src/infra/stt/errors';
import { RtzrClient } from '../src/infra/stt/rtzr-client';

export interface NaiveRunOptions {
  vendorUrl: string;
  audio: readonly Buffer[];
  workers: number;
  pollMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export async function runNaiveWorkers(o: NaiveRunOptions): Promise<{ seconds: number; failed: number }> {
  // A connection per worker, as each of the seed's workers had its own.
  const client = new RtzrClient({ baseUrl: o.vendorUrl, clientId: 'bench', clientSecret: 'bench', maxConnections: o.workers });
  const queue = o.audio.map((body, i) => ({ body, filename: `naive-${i}.wav`, contentType: 'audio/wav' }));
  let failed = 0;

  const worker = async () => {
    let streak = 0;
    /** One vendor call, repeated until it answers; only this worker waits out a 429 or a 5xx. */
    const call = async <T>(request: () => Promise<T>): Promise<T> => {
      for (;;) {
        try {
          const answer = await request();
          streak = 0;
          return answer;
        } catch (err) {
          if (err instanceof SttRateLimitedError || err instanceof SttQuotaExceededError) {
            streak += 1;
            await sleep(err.retryAfterMs ?? backoffDelayMs(streak, o.backoffBaseMs, o.backoffMaxMs, Math.random()));
          } else if (err instanceof SttTransientError) {
            await sleep(o.pollMs);
          } else {
            throw err;
          }
        }
      }
    };
    for (;;) {
      const audio = queue.shift();
      if (!audio) return;
      try {
        const { vendorJobId } = await call(() => client.submit(audio));
        for (;;) {
          await sleep(o.pollMs);
          const polled = await call(() => client.poll(vendorJobId));
          if (polled.status === 'failed') failed += 1;
          if (polled.status !== 'transcribing') break;
        }
      } catch {
        failed += 1;
      }
    }
  };

  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: o.workers }, worker));
  } finally {
    await client.close();
  }
  return { seconds: (performance.now() - started) / 1000, failed };
}
