import { z } from 'zod';
import { ITEM_KINDS } from '../../domain/moderation';
import { defineRoute, type RouteSpec } from '../shared/route';
import { FeedbackBody, itemView, labelView, LabelView, ModeratedItemView } from './schemas';
import type { ModerationService } from './service';

const Id = z.object({ id: z.string().min(1).max(200) });
const Page = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).default(0) });

/** One item across batches, reviewers' feedback on it, and the queue of items waiting for a person. */
export function itemRoutes(service: ModerationService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/moderation/items/:id',
      summary: "One item: its latest verdict with reasons, every submission of it, and reviewers' feedback",
      tag: 'moderation',
      params: Id,
      responses: {
        200: {
          description: 'The item',
          schema: z.object({ id: z.string(), latest: ModeratedItemView, submissions: z.array(ModeratedItemView).describe('Newest first'), feedback: LabelView.nullable() }),
        },
      },
      async handler({ params, res }) {
        const { submissions, feedback } = await service.item(params.id);
        const views = submissions.map(itemView);
        res.json({ id: params.id, latest: views[0], submissions: views, feedback: feedback ? labelView(feedback) : null });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/moderation/items/:id/feedback',
      summary: "Label an item spam or ham (its latest submission); the label trains the next model. A later label replaces it",
      tag: 'moderation',
      params: Id,
      body: FeedbackBody,
      responses: { 200: { description: 'The stored label', schema: LabelView } },
      async handler({ params, body, res }) {
        res.json(labelView(await service.feedback(params.id, body)));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/moderation/review-queue',
      summary: 'Items whose latest verdict is review and that nobody has labelled yet, oldest first',
      tag: 'moderation',
      query: Page.extend({ kind: z.enum(ITEM_KINDS).optional() }),
      responses: { 200: { description: 'A page of the queue', schema: z.object({ total: z.number(), items: z.array(ModeratedItemView) }) } },
      async handler({ query, res }) {
        const { items, total } = await service.reviewQueue(query);
        res.json({ total, items: items.map(itemView) });
      },
    }),
  ];
}
