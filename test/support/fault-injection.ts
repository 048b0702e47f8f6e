import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { WorkerInterceptors } from '@temporalio/worker';

/** Test-only activity interceptors that make chosen attempts misbehave. */
type Match = (activityType: string, args: unknown[], attempt: number) => boolean;

function interceptor(match: Match, misbehave: (ctx: Context) => Promise<never>): WorkerInterceptors {
  return {
    activity: [
      (ctx) => ({
        inbound: {
          async execute(input, next) {
            if (match(ctx.info.activityType, input.args as unknown[], ctx.info.attempt)) return misbehave(ctx);
            return next(input);
          },
        },
      }),
    ],
  };
}

/** Hangs without heartbeating, as a worker stuck on a dead connection would, until Temporal gives up on it. */
export function hangWhen(match: Match): WorkerInterceptors {
  return interceptor(match, async (ctx) => {
    await Promise.race([ctx.cancelled.catch(() => undefined), new Promise((r) => setTimeout(r, 20_000))]);
    throw new Error('hung attempt abandoned');
  });
}

/** Fails with a non-retryable error, as bad data would. */
export function failWhen(match: Match, message: string): WorkerInterceptors {
  return interceptor(match, async () => {
    throw ApplicationFailure.nonRetryable(message, 'InjectedFailure');
  });
}

export const isGroup = (scenario: string, firstYear: number) => (type: string, args: unknown[]) => {
  const input = args[0] as { scenario?: string; years?: number[] } | undefined;
  return type === 'computeCellGroup' && input?.scenario === scenario && input.years?.[0] === firstYear;
};
