import naiveBayes from 'wink-naive-bayes-text-classifier';
import { modelTokens } from './features';
import type { ItemToModerate, Label } from './types';

/**
 * The spam model: naive Bayes over presence of tokens (features.ts), from
 * wink-naive-bayes-text-classifier. It answers in log-odds, so long blog posts give a probability
 * rather than underflowing to 0/0, and it serialises to JSON for storage in PostgreSQL.
 */
export interface LabelledText extends ItemToModerate {
  label: Label;
}

export interface SpamModel {
  spamProbability(item: ItemToModerate): number;
  /** The model as JSON, for storing; `loadSpamModel` reads it back. */
  serialize(): string;
  stats(): { spam: number; ham: number; vocabulary: number };
}

const CONFIG = { considerOnlyPresence: true, smoothingFactor: 1 };

function wrap(classifier: ReturnType<typeof naiveBayes>): SpamModel {
  return {
    spamProbability(item) {
      const odds = classifier.computeOdds(modelTokens(item));
      const spam = odds.find(([label]) => label === 'spam');
      // No word the model has seen: no evidence either way.
      if (!spam) return 0.5;
      return 1 / (1 + 2 ** -spam[1]);
    },
    serialize: () => classifier.exportJSON(),
    stats() {
      const s = classifier.stats();
      return { spam: s.labelWiseSamples.spam ?? 0, ham: s.labelWiseSamples.ham ?? 0, vocabulary: s.vocabulary };
    },
  };
}

export class TrainingError extends Error {
  override readonly name = 'TrainingError';
}

/** Needs both labels among the examples (and some vocabulary): a model of one class decides nothing. */
export function trainSpamModel(examples: readonly LabelledText[]): SpamModel {
  const classifier = naiveBayes();
  classifier.defineConfig(CONFIG);
  for (const example of examples) classifier.learn(modelTokens(example), example.label);
  try {
    classifier.consolidate();
  } catch (err) {
    throw new TrainingError(`cannot train on ${examples.length} examples: ${(err as Error).message}`);
  }
  return wrap(classifier);
}

export function loadSpamModel(serialized: string): SpamModel {
  const classifier = naiveBayes();
  classifier.importJSON(serialized);
  classifier.consolidate();
  return wrap(classifier);
}
