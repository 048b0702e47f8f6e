/** What users post on the platform, as the moderation pipeline sees it. */
export const ITEM_KINDS = ['blog', 'review', 'subtitle_suggestion'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

/** allow: shown; review: held for a person; block: not shown. Ordered from mildest to strictest. */
export const VERDICTS = ['allow', 'review', 'block'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Human feedback and the training labels: spam is anything that should not be shown (ads, scams, abuse). */
export const LABELS = ['spam', 'ham'] as const;
export type Label = (typeof LABELS)[number];

/** One request carries at most this many items (the body limit, API_BODY_LIMIT, applies as well). */
export const MAX_BATCH_ITEMS = 10_000;
export const MAX_TEXT_CHARS = 20_000;

export interface ItemToModerate {
  kind: ItemKind;
  text: string;
}

/** How a term was hidden, when it was: the reason tells a reviewer what the rules saw through. */
export const EVASIONS = ['spacing', 'characters', 'stretching', 'masking'] as const;
export type Evasion = (typeof EVASIONS)[number];

export interface ProfanityMatch {
  /** The list entry that matched, as listed. */
  term: string;
  /** Which maintained list it comes from. */
  list: 'badwords-ko' | 'leo-profanity';
  /** block for profanity; review for words that are also used innocently or are only mildly rude. */
  severity: 'review' | 'block';
  /** Empty when the term was written plainly. */
  evasions: Evasion[];
}

export interface ModelScore {
  version: number;
  /** P(spam | text), 0–1, from the naive Bayes model; 0.5 when the model knows none of the words. */
  spamProbability: number;
}

export interface ModerationResult {
  verdict: Verdict;
  scores: {
    /** 1 when a blocking term matched, 0.5 when only review terms did, else 0. */
    profanity: number;
    spamProbability: number;
  };
  reasons: ModerationReasons;
}

export interface ModerationReasons {
  matches: ProfanityMatch[];
  model: ModelScore & { verdict: Verdict };
  rules: { verdict: Verdict };
}

export interface Thresholds {
  /** P(spam) at or above which an item goes to review. */
  review: number;
  /** P(spam) at or above which an item is blocked. */
  block: number;
}
