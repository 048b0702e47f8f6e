import type { TestStack } from './stack';
import { waitUntil } from './stack';

export async function postCsv(stack: Pick<TestStack, 'apiUrl'>, csv: string, key?: string): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'videos.csv');
  const res = await fetch(`${stack.apiUrl}/api/etl-jobs`, { method: 'POST', body: form, headers: key ? { 'idempotency-key': key } : {} });
  return { status: res.status, body: await res.json() };
}

export async function getJob(stack: Pick<TestStack, 'apiUrl'>, id: string): Promise<any> {
  return (await fetch(`${stack.apiUrl}/api/etl-jobs/${id}`)).json();
}

export async function waitForJob(stack: Pick<TestStack, 'apiUrl'>, id: string, status: string, timeoutMs = 90_000): Promise<any> {
  return waitUntil(
    `ETL job ${id} to be ${status}`,
    async () => {
      const view = await getJob(stack, id);
      if (view.status === status) return view;
      if (['COMPLETED', 'FAILED', 'CANCELED'].includes(view.status)) throw new Error(`job ended ${view.status} (${view.error}), wanted ${status}`);
      return undefined;
    },
    timeoutMs,
  );
}

export async function jobVideos(stack: Pick<TestStack, 'apiUrl'>, id: string): Promise<any[]> {
  return ((await (await fetch(`${stack.apiUrl}/api/etl-jobs/${id}/videos?limit=1000`)).json()) as any).items;
}
