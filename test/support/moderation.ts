import type { TestStack } from './stack';
import { waitUntil } from './stack';

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
