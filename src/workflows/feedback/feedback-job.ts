// Skeleton: replaced by the feedback-job workflow.
export async function feedbackJobWorkflow(_input: { jobId: string }): Promise<void> {
  throw new Error('feedbackJobWorkflow is not built yet');
}
