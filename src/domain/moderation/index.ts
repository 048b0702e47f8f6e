/** Public surface of content moderation: profanity rules, the spam model, verdicts and evaluation. */
export * from './types';
export { canonical, readable } from './normalize';
export { findProfanity } from './profanity';
export { loadSpamModel, trainSpamModel, TrainingError, type LabelledText, type SpamModel } from './model';
export { evaluateModel, isHeldOut, splitExamples, type KeyedExample } from './evaluation';
export { promotionDecision, type ModelMetrics, type PromotionDecision } from './promotion';
export { moderate } from './verdict';
