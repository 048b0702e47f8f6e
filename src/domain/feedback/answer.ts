import { z } from 'zod';

/**
 * The structured feedback the model must answer with. The same schema validates the answer and,
 * as JSON Schema, goes to the model server as `response_format`, so the two cannot drift.
 */
export const FEEDBACK_VERDICTS = ['meets', 'partly_meets', 'does_not_meet'] as const;

export const FeedbackAnswer = z
  .object({
    verdict: z.enum(FEEDBACK_VERDICTS),
    /** 0–100: how well the submission meets the challenge as a whole. */
    score: z.number().int().min(0).max(100),
    summary: z.string().min(1).max(2000),
    criteria: z
      .array(z.object({ criterion: z.string().min(1).max(500), met: z.boolean(), comment: z.string().max(1000) }).strict())
      .max(30),
    suggestions: z.array(z.string().min(1).max(500)).max(10),
  })
  .strict();

export type FeedbackAnswer = z.output<typeof FeedbackAnswer>;

export const FEEDBACK_SCHEMA_NAME = 'eco_challenge_feedback';

/** The answer's JSON Schema, for the model server's structured-output mode. */
export function feedbackJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(FeedbackAnswer) as Record<string, unknown>;
}

export type AnswerCheck = { valid: true; answer: FeedbackAnswer } | { valid: false; reason: string };

/**
 * Reads the model's text as the answer. Models often wrap JSON in a ```json fence despite being
 * asked not to; that much is forgiven, anything else is a reason to repair.
 */
export function checkAnswer(text: string): AnswerCheck {
  const unfenced = text.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/, '$1');
  let parsed: unknown;
  try {
    parsed = JSON.parse(unfenced);
  } catch (err) {
    return { valid: false, reason: `not JSON (${(err as Error).message})` };
  }
  const result = FeedbackAnswer.safeParse(parsed);
  if (result.success) return { valid: true, answer: result.data };
  const issue = result.error.issues[0];
  const where = issue.path.length > 0 ? issue.path.join('.') : 'the answer';
  return { valid: false, reason: `${where}: ${issue.message}` };
}
