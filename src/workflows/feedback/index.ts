// The LLM feedback pipeline's workflows: feedback on one submission, and the challenge-site crawl.
export { feedbackJobWorkflow } from './feedback-job';
export { challengeCrawlWorkflow } from './challenge-crawl';
