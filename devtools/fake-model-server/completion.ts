import { createHash } from 'node:crypto';
import type { FeedbackAnswer } from '../../src/domain/feedback/answer';

/**
 * Deterministic answers: the same conversation always gets the same completion. With a JSON
 * schema requested, the answer is feedback in the pipeline's shape, judged against the numbered
 * criteria found in the prompt; without one, a short plain-text reply.
 */

export interface ChatMessageIn {
  role: string;
  content: string;
}

function digestOf(messages: readonly ChatMessageIn[]): Buffer {
  return createHash('sha256').update(JSON.stringify(messages.map((m) => [m.role, m.content]))).digest();
}

function criteriaIn(messages: readonly ChatMessageIn[]): string[] {
  const firstUser = messages.find((m) => m.role === 'user')?.content ?? '';
  return [...firstUser.matchAll(/^\s*\d+\.\s+(.+)$/gm)].map((m) => m[1].trim()).slice(0, 30);
}

export function feedbackAnswerFor(messages: readonly ChatMessageIn[]): FeedbackAnswer {
  const digest = digestOf(messages);
  const criteria = criteriaIn(messages);
  const judged = criteria.map((criterion, i) => ({
    criterion,
    met: (digest[i % digest.length] & 1) === 1,
    comment: (digest[i % digest.length] & 1) === 1 ? 'Clearly shown in the submission.' : 'Not evident yet; say more about this.',
  }));
  const metShare = judged.length > 0 ? judged.filter((c) => c.met).length / judged.length : 0.5;
  const verdict = metShare === 1 ? 'meets' : metShare === 0 ? 'does_not_meet' : 'partly_meets';
  return {
    verdict,
    score: Math.round(40 + metShare * 50 + (digest[31] % 10)),
    summary: `Thank you for taking part. The submission meets ${judged.filter((c) => c.met).length} of ${judged.length} criteria.`,
    criteria: judged,
    suggestions: judged.filter((c) => !c.met).map((c) => `Show how you did this: ${c.criterion}`).slice(0, 10),
  };
}

export function completionFor(messages: readonly ChatMessageIn[], structured: boolean): string {
  if (structured) return JSON.stringify(feedbackAnswerFor(messages));
  return `Fake reply ${digestOf(messages).toString('hex').slice(0, 12)} to ${messages.length} messages.`;
}

/** What an invalid answer looks like: cut-off JSON, as a model that ran out of tokens leaves it. */
export function invalidCompletionFor(messages: readonly ChatMessageIn[]): string {
  const valid = completionFor(messages, true);
  return valid.slice(0, Math.max(10, Math.floor(valid.length / 2)));
}

/** Pieces of about four characters: what the fake calls a token (and counts in `usage`). */
export function tokenize(text: string): string[] {
  return text.match(/[\s\S]{1,4}/g) ?? [];
}

export function promptTokens(messages: readonly ChatMessageIn[]): number {
  return messages.reduce((n, m) => n + Math.ceil(m.content.length / 4), 0);
}
