import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { z } from 'zod';
import type { EtlSettings } from '../../pipelines/etl/settings';
import type { ApiDeps } from '../shared/deps';
import { invalidField, putInput, readMultipart } from '../shared/ingress';

const JsonInput = z.union([
  z.object({ records: z.array(z.record(z.string(), z.unknown())).min(1).max(100_000) }),
  z.object({ csvKey: z.string().min(1).max(1024) }),
]);

/** A CSV upload has one file part; a few text fields are tolerated and ignored. */
const csvUploadLimits = (maxBytes: number) => ({ fileBytes: maxBytes, fields: 10, fieldBytes: 1000 });

export interface StoredInput {
  source: 'csv' | 'json';
  key: string;
  /** False for a {csvKey} that was already in storage: not this request's to delete. */
  storedHere: boolean;
}

/** Stores the input as received, so the workflow (and every retry) reads it from storage, never from the client. */
export async function storeInput(deps: Pick<ApiDeps, 'store'>, settings: EtlSettings, req: Request, jobId: string): Promise<StoredInput> {
  const maxBytes = settings.maxFileBytes;
  if (req.is('multipart/form-data')) {
    const key = `etl/inputs/${jobId}-${randomUUID()}.csv`;
    await readMultipart(req, {
      fileField: 'file',
      limits: csvUploadLimits(maxBytes),
      receive: (file) => putInput(deps.store, key, file.stream, { maxBytes, contentType: 'text/csv', field: 'file' }),
      discard: () => deps.store.delete(key),
    });
    return { source: 'csv', key, storedHere: true };
  }
  const parsed = JsonInput.safeParse(req.body);
  if (!parsed.success) throw invalidField('body', 'send multipart/form-data with a CSV "file", or JSON {"records": [...]} or {"csvKey": "..."}');
  if ('csvKey' in parsed.data) {
    if (!(await deps.store.head(parsed.data.csvKey).catch(() => undefined))) throw invalidField('body.csvKey', 'no such object in storage');
    return { source: 'csv', key: parsed.data.csvKey, storedHere: false };
  }
  const key = `etl/inputs/${jobId}-${randomUUID()}.json`;
  await deps.store.put(key, Buffer.from(JSON.stringify(parsed.data.records)), { contentType: 'application/json' });
  return { source: 'json', key, storedHere: true };
}
