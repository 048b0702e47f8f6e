import type { WorkerInterceptors } from '@temporalio/worker';
import { migrate } from '../../src/infra/db/migrate';
import { createPool } from '../../src/infra/db/pool';
import { moderationPipeline } from '../../src/pipelines/moderation';
import { ensureRetrainSchedule } from '../../src/pipelines/moderation/retrain-schedule';
import { createScratchDatabase } from './scratch-database';
import { startTestStack, testConfig, waitUntil, type TestStack } from './stack';

export interface TestItem {
  id: string;
  kind: 'blog' | 'review' | 'subtitle_suggestion';
  text: string;
  authorId?: string;
}

export async function api(stack: Pick<TestStack, 'apiUrl'>, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

export function postItems(stack: Pick<TestStack, 'apiUrl'>, items: TestItem[], key?: string) {
  return api(stack, 'POST', '/api/moderation/items', { items }, key ? { 'idempotency-key': key } : {});
}

export async function waitForBatch(stack: TestStack, id: string, status = 'COMPLETED', timeoutMs = 120_000): Promise<any> {
  return waitUntil(
    `moderation batch ${id} to be ${status}`,
    async () => {
      const { body } = await api(stack, 'GET', `/api/moderation/batches/${id}`);
      if (body.status === status) return body;
      if (['COMPLETED', 'FAILED', 'CANCELED'].includes(body.status)) throw new Error(`batch ended ${body.status} (${body.error}), wanted ${status}`);
      return undefined;
    },
    timeoutMs,
  );
}

export async function batchItems(stack: TestStack, id: string, query = ''): Promise<any[]> {
  return (await api(stack, 'GET', `/api/moderation/batches/${id}/items?limit=1000${query}`)).body.items;
}

/** Waits for a retraining run to finish and answers its model version. */
export async function waitForRetrain(stack: TestStack, retrainId: string, timeoutMs = 120_000): Promise<any> {
  return waitUntil(
    `retraining ${retrainId}`,
    async () => {
      const { body } = await api(stack, 'GET', `/api/moderation/retrains/${retrainId}`);
      if (body.status === 'COMPLETED' && body.model?.decision) return body.model;
      if (['FAILED', 'CANCELED'].includes(body.status)) throw new Error(`retraining ended ${body.status}`);
      return undefined;
    },
    timeoutMs,
  );
}

/**
 * Holds `trainModel` activities while closed, so a retraining run is certainly still going when
 * the next trigger comes (the schedule's overlap policy then skips it).
 */
export function trainingGate(): { interceptors: WorkerInterceptors; hold(): void; release(): void } {
  let held = false;
  return {
    interceptors: {
      activity: [
        (ctx) => ({
          inbound: {
            async execute(input, next) {
              while (ctx.info.activityType === 'trainModel' && held) await new Promise((r) => setTimeout(r, 50));
              return next(input);
            },
          },
        }),
      ],
    },
    hold: () => void (held = true),
    release: () => void (held = false),
  };
}

/**
 * A moderation stack on a database of its own (retraining promotes models, which would change
 * other tests' verdicts): migrated, first-started `firstStarts` times (the seed model), with the
 * retraining schedule in place. `stop` removes the schedule and the database too.
 */
export async function startIsolatedModerationStack(opts: { interceptors?: WorkerInterceptors; firstStarts?: number } = {}): Promise<TestStack> {
  const scratch = await createScratchDatabase();
  const config = testConfig({ DATABASE_URL: scratch.url });
  const pool = createPool(config, 'dp-test-first-start');
  try {
    await migrate(pool);
    for (let i = 0; i < (opts.firstStarts ?? 1); i++) await moderationPipeline.prepareDatabase!(pool, config.pipelines.moderation, () => undefined);
  } finally {
    await pool.end();
  }
  const stack = await startTestStack({ config, queues: ['moderation'], interceptors: opts.interceptors });
  await ensureRetrainSchedule(stack.temporal, config.pipelines.moderation);
  return {
    ...stack,
    async stop() {
      await stack.temporal.schedule.getHandle(config.pipelines.moderation.retrain.scheduleId).delete().catch(() => undefined);
      await stack.stop();
      await scratch.drop();
    },
  };
}
