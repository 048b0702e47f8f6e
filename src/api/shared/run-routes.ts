import { WorkflowNotFoundError } from '@temporalio/client';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { z } from 'zod';
import { webUiRunUrl } from '../../infra/temporal/client';
import type { ApiDeps } from './deps';
import { notFound } from './problem';
import { defineRoute } from './route';

const PendingActivity = z.object({
  activityId: z.string(),
  activityType: z.string(),
  state: z.string(),
  attempt: z.number(),
  maximumAttempts: z.number().describe('0 means unlimited'),
  scheduledAt: z.string().nullable(),
  lastStartedAt: z.string().nullable(),
  lastHeartbeatAt: z.string().nullable(),
  lastFailure: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
});

const RunView = z.object({
  workflowId: z.string(),
  runId: z.string(),
  type: z.string(),
  taskQueue: z.string(),
  status: z.string(),
  startedAt: z.string(),
  closedAt: z.string().nullable(),
  historyLength: z.number(),
  pendingActivities: z.array(PendingActivity),
  pendingChildren: z.number(),
  searchAttributes: z.record(z.string(), z.unknown()),
  webUiUrl: z.string(),
});

const iso = (ts: Parameters<typeof optionalTsToDate>[0]) => optionalTsToDate(ts)?.toISOString() ?? null;

const activityState = (state: number | null | undefined) =>
  (temporal.api.enums.v1.PendingActivityState[state ?? 0] ?? 'UNSPECIFIED').replace('PENDING_ACTIVITY_STATE_', '');

type PendingActivityInfo = temporal.api.workflow.v1.IPendingActivityInfo;

function toPendingActivity(a: PendingActivityInfo): z.infer<typeof PendingActivity> {
  return {
    activityId: a.activityId ?? '',
    activityType: a.activityType?.name ?? '',
    state: activityState(a.state),
    attempt: a.attempt ?? 0,
    maximumAttempts: a.maximumAttempts ?? 0,
    scheduledAt: iso(a.scheduledTime),
    lastStartedAt: iso(a.lastStartedTime),
    lastHeartbeatAt: iso(a.lastHeartbeatTime),
    lastFailure: a.lastFailure?.message ?? null,
    nextAttemptAt: iso(a.nextAttemptScheduleTime),
  };
}

/** The Temporal-level view of any run: what an operator would otherwise look up in the Web UI. */
export function runRoutes(deps: ApiDeps) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/runs/:workflowId',
      summary: 'Temporal-level state of a workflow run, with pending activities and retry times',
      tag: 'runs',
      params: z.object({ workflowId: z.string().min(1).max(1000) }),
      responses: { 200: { description: 'The run', schema: RunView } },
      async handler({ params, res }) {
        let d;
        try {
          d = await deps.temporal.workflow.getHandle(params.workflowId).describe();
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) throw notFound(`Workflow ${params.workflowId}`);
          throw err;
        }
        const view: z.infer<typeof RunView> = {
          workflowId: d.workflowId,
          runId: d.runId,
          type: d.type,
          taskQueue: d.taskQueue,
          status: d.status.name,
          startedAt: d.startTime.toISOString(),
          closedAt: d.closeTime?.toISOString() ?? null,
          historyLength: d.historyLength,
          pendingActivities: (d.raw.pendingActivities ?? []).map(toPendingActivity),
          pendingChildren: d.raw.pendingChildren?.length ?? 0,
          searchAttributes: Object.fromEntries(d.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value])),
          webUiUrl: webUiRunUrl(deps.config, d.workflowId, d.runId),
        };
        res.json(view);
      },
    }),
  ];
}
