import { z } from 'zod';
import { EVASIONS, ITEM_KINDS, LABELS, MAX_BATCH_ITEMS, MAX_TEXT_CHARS, VERDICTS } from '../../domain/moderation';
import type { ModelVersion, ModeratedItem, StoredLabel } from '../../infra/moderation/queries';

/** Request and response shapes of the moderation API, and the conversions from stored rows. */

export const Item = z.object({
  id: z.string().min(1).max(200).describe('Your id of the post, review or suggestion'),
  kind: z.enum(ITEM_KINDS),
  text: z.string().min(1).max(MAX_TEXT_CHARS),
  authorId: z.string().min(1).max(200).optional(),
});

export const ItemsBody = z.object({
  items: z
    .array(Item)
    .min(1)
    .max(MAX_BATCH_ITEMS)
    .superRefine((items, ctx) => {
      const seen = new Set<string>();
      items.forEach((item, i) => {
        if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate id ${JSON.stringify(item.id)} in this request` });
        seen.add(item.id);
      });
    })
    .describe(`One item or up to ${MAX_BATCH_ITEMS}, classified as one batch`),
});
export type ItemsBody = z.output<typeof ItemsBody>;

export const VerdictCounts = z.object({
  total: z.number(),
  allow: z.number(),
  review: z.number(),
  block: z.number(),
  pending: z.number().describe('Not classified yet'),
});

export const BatchFields = {
  counts: VerdictCounts,
  modelVersion: z.number().nullable().describe('The model version every item of the batch is classified with (set when the batch starts)'),
  error: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
};

const Match = z.object({
  term: z.string(),
  list: z.enum(['badwords-ko', 'leo-profanity']),
  severity: z.enum(['review', 'block']),
  evasions: z.array(z.enum(EVASIONS)).describe('How the term was disguised; empty when written plainly'),
});
const Reasons = z.object({
  matches: z.array(Match).describe('Profanity rule matches'),
  rules: z.object({ verdict: z.enum(VERDICTS) }),
  model: z.object({ version: z.number(), spamProbability: z.number(), verdict: z.enum(VERDICTS) }),
});

export const ModeratedItemView = z.object({
  batchId: z.string(),
  position: z.number().describe('0-based position in the batch request'),
  itemId: z.string(),
  kind: z.enum(ITEM_KINDS),
  text: z.string(),
  authorId: z.string().nullable(),
  verdict: z.enum(VERDICTS).nullable().describe('null until classified'),
  scores: z.object({ spamProbability: z.number().describe('0–1, from the model'), profanity: z.number().describe('1 blocking term, 0.5 review term, 0 none') }).nullable(),
  reasons: Reasons.nullable(),
  modelVersion: z.number().nullable(),
  classifiedAt: z.string().nullable(),
  label: z.enum(LABELS).nullable().describe("Reviewers' feedback on the item, if any"),
});

export function itemView(row: ModeratedItem): z.output<typeof ModeratedItemView> {
  const { spamProbability, profanityScore, classifiedAt, ...rest } = row;
  return {
    ...rest,
    scores: spamProbability === null || profanityScore === null ? null : { spamProbability, profanity: profanityScore },
    classifiedAt: classifiedAt?.toISOString() ?? null,
  };
}

export const FeedbackBody = z.object({
  label: z.enum(LABELS).describe('spam: should not be shown (ads, scams, abuse); ham: fine'),
  by: z.string().min(1).max(200).describe('Who judged it'),
});

export const LabelView = z.object({
  itemId: z.string(),
  label: z.enum(LABELS),
  labelledBy: z.string(),
  batchId: z.string().nullable().describe('The submission that was judged'),
  labelledAt: z.string(),
});

export function labelView(row: StoredLabel): z.output<typeof LabelView> {
  return { itemId: row.exampleId, label: row.label, labelledBy: row.labelledBy, batchId: row.batchId, labelledAt: row.labelledAt.toISOString() };
}

const Metrics = z.object({
  examples: z.number(),
  truePositives: z.number(),
  falsePositives: z.number(),
  falseNegatives: z.number(),
  trueNegatives: z.number(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  accuracy: z.number(),
});

export const ModelVersionView = z.object({
  version: z.number(),
  current: z.boolean().describe('The version new batches use'),
  retrainId: z.string().describe("The retraining run that trained it ('seed' for the first model)"),
  trigger: z.string(),
  trainingExamples: z.number(),
  heldoutExamples: z.number(),
  vocabulary: z.number(),
  metrics: Metrics.nullable().describe('On the held-out split; spam is the positive class'),
  baseline: z.object({ version: z.number(), metrics: Metrics }).nullable().describe('The model that was current, on the same examples'),
  decision: z.enum(['promoted', 'rejected']).nullable(),
  decisionReason: z.string().nullable(),
  createdAt: z.string(),
  promotedAt: z.string().nullable(),
});

export function modelView(row: ModelVersion, currentVersion: number | undefined): z.output<typeof ModelVersionView> {
  const { baselineVersion, baselineMetrics, createdAt, promotedAt, ...rest } = row;
  return {
    ...rest,
    current: row.version === currentVersion,
    baseline: baselineVersion !== null && baselineMetrics ? { version: baselineVersion, metrics: baselineMetrics } : null,
    createdAt: createdAt.toISOString(),
    promotedAt: promotedAt?.toISOString() ?? null,
  };
}
