// Skeleton: replaced by the crawl workflow.
export async function challengeCrawlWorkflow(_input: { crawlId: string }): Promise<void> {
  throw new Error('challengeCrawlWorkflow is not built yet');
}
