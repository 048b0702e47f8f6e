import { z } from 'zod';
import { VERDICTS } from '../../domain/moderation';
import type { ModerationSettings } from '../../pipelines/moderation/settings';
import type { ApiDeps } from '../shared/deps';
import { jobResource } from '../shared/job-resource';
import { defineRoute, type RouteSpec } from '../shared/route';
import { itemRoutes } from './item-routes';
import { modelRoutes } from './model-routes';
import { BatchFields, ItemsBody, itemView, ModeratedItemView } from './schemas';
import { createModerationService } from './service';

const Id = z.object({ id: z.string().min(1).max(200) });
const Page = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).default(0) });

/** Items in, verdicts out: batches (accept, view, cancel, list, items), then items, feedback and models. */
export function moderationRoutes(deps: ApiDeps, settings: ModerationSettings): RouteSpec[] {
  const service = createModerationService(deps, settings);
  const batches = jobResource(deps, service.batches, {
    basePath: '/api/moderation/batches',
    acceptPath: '/api/moderation/items',
    noun: 'Moderation batch',
    tag: 'moderation',
    workflowIdPrefix: 'moderation',
    summaries: {
      accept: 'Moderate one item or a batch of up to 10,000: {items: [{id, kind, text, authorId?}]}; answers with the batch',
      view: 'A moderation batch: status, verdict counts and the model version it uses',
      cancel: 'Cancel a batch; items already classified keep their verdicts',
    },
    accept: {
      idempotencyKey: 'Same key → same batch (moderation-<key>)',
      body: ItemsBody,
      read: async ({ body, id }) => ({ id, items: (body as ItemsBody).items }),
    },
    fields: BatchFields,
    subresources: ['items'],
  });
  const BatchSummary = z.object({ id: z.string(), status: z.string().describe('As the batch recorded it'), ...BatchFields, links: z.object({ self: z.string(), items: z.string() }) });
  return [
    ...batches.routes,
    defineRoute({
      method: 'get',
      path: '/api/moderation/batches',
      summary: 'Recent moderation batches, newest first, with verdict counts',
      tag: 'moderation',
      query: Page.extend({ limit: z.coerce.number().int().min(1).max(200).default(20) }),
      responses: { 200: { description: 'Batches', schema: z.object({ batches: z.array(BatchSummary) }) } },
      async handler({ query, res }) {
        const rows = await service.listBatches(query);
        res.json({
          batches: rows.map(({ batch, counts }) => ({
            id: batch.id,
            status: batch.status,
            counts,
            modelVersion: batch.modelVersion,
            error: batch.error,
            createdAt: batch.createdAt.toISOString(),
            finishedAt: batch.finishedAt?.toISOString() ?? null,
            links: { self: `/api/moderation/batches/${batch.id}`, items: `/api/moderation/batches/${batch.id}/items` },
          })),
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/moderation/batches/:id/items',
      summary: "A batch's items with verdict, scores and reasons (paged, filter by verdict)",
      tag: 'moderation',
      params: Id,
      query: Page.extend({ verdict: z.enum([...VERDICTS, 'pending']).optional() }),
      responses: { 200: { description: 'A page of items', schema: z.object({ items: z.array(ModeratedItemView) }) } },
      async handler({ params, query, res }) {
        const batch = await batches.load(params.id);
        res.json({ items: (await service.batchItems(batch.id, query)).map(itemView) });
      },
    }),
    ...itemRoutes(service),
    ...modelRoutes(service),
  ];
}
