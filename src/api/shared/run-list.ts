import { createHash } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { z } from 'zod';
import { BUSINESS_KEY, PIPELINE, STATUS_DETAIL } from '../../workflows/shared/search-attributes';
import type { ApiDeps } from './deps';
import { runLinks } from './job-resource';
import { ProblemError } from './problem';
import { defineRoute, type RouteSpec } from './route';
import { JOB_STATUSES, jobStatus, type JobStatus } from './workflow-status';

/** A listed run as a pipeline sees it when it names the run's job and measures its progress. */
export interface ListedRunRef {
  workflowId: string;
  /** The `DpBusinessKey` search attribute: the job a run (or a retry run) belongs to. */
  businessKey: string | null;
}

export interface RunProgress {
  done: number;
  failed: number;
  total: number;
  /** What is counted: `cells`, `rows`, `grid points`. */
  unit: string;
}

/**
 * How the runs list shows one top-level workflow type of a pipeline: the API resource of the job
 * the run belongs to, and (when the pipeline counts its work) the progress of several runs at once.
 */
export interface ListedRunKind {
  jobPath(run: ListedRunRef): string;
  progress?(runs: readonly ListedRunRef[]): Promise<Map<string, RunProgress>>;
}

export type ListedRunKinds = Readonly<Record<string, ListedRunKind>>;

const RunSummary = z.object({
  workflowId: z.string(),
  runId: z.string(),
  pipeline: z.string(),
  type: z.string(),
  businessKey: z.string().nullable(),
  status: z.enum(JOB_STATUSES),
  statusDetail: z.string().nullable().describe('The DpStatusDetail search attribute, e.g. rate_limited or completed_with_failures'),
  startedAt: z.string(),
  closedAt: z.string().nullable(),
  progress: z
    .object({ done: z.number(), failed: z.number(), total: z.number(), unit: z.string() })
    .nullable()
    .describe('Work finished (done, of which failed) of total, in the unit named; null when the pipeline does not count its work'),
  links: z.object({
    job: z.string().nullable().describe('The API resource of the job this run belongs to'),
    run: z.string(),
    webUi: z.string(),
  }),
});
type RunSummary = z.infer<typeof RunSummary>;

const RunList = z.object({
  items: z.array(RunSummary),
  nextPageToken: z.string().nullable().describe('Pass as pageToken for the next page; null on the last page'),
});

/** Visibility's statuses behind each of the API's five (PENDING and RUNNING are both Running there). */
const VISIBILITY_STATUSES: Record<JobStatus, string[]> = {
  PENDING: ['Running'],
  RUNNING: ['Running'],
  COMPLETED: ['Completed'],
  FAILED: ['Failed', 'Terminated', 'TimedOut'],
  CANCELED: ['Canceled'],
};

const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Top-level runs of the pipelines only: site, chunk and other child workflows belong to the run that started them. */
export function runListQuery(filter: { pipeline?: string; status?: JobStatus }): string {
  const clauses = ['DpPipeline IS NOT NULL', 'ParentWorkflowId IS NULL', "ExecutionStatus != 'ContinuedAsNew'"];
  if (filter.pipeline) clauses.push(`DpPipeline = ${quote(filter.pipeline)}`);
  if (filter.status) clauses.push(`ExecutionStatus IN (${VISIBILITY_STATUSES[filter.status].map(quote).join(', ')})`);
  return clauses.join(' AND ');
}

type RawInfo = temporal.api.workflow.v1.IWorkflowExecutionInfo;

const STATUS_NAMES = temporal.api.enums.v1.WorkflowExecutionStatus;
const statusName = (code: number | null | undefined) => (STATUS_NAMES[code ?? 0] ?? 'UNSPECIFIED').replace('WORKFLOW_EXECUTION_STATUS_', '');
const iso = (ts: Parameters<typeof optionalTsToDate>[0]) => optionalTsToDate(ts)?.toISOString() ?? null;

/** Visibility lags a running workflow's history; its describe tells PENDING (no worker yet) from RUNNING. */
async function statusOf(deps: ApiDeps, raw: RawInfo): Promise<JobStatus> {
  const name = statusName(raw.status);
  if (name !== 'RUNNING') return jobStatus({ status: { name }, historyLength: Number(raw.historyLength ?? 0) });
  try {
    return jobStatus(await deps.temporal.workflow.getHandle(raw.execution?.workflowId ?? '', raw.execution?.runId ?? undefined).describe());
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'RUNNING';
    throw err;
  }
}

const badToken = () =>
  new ProblemError(400, 'Invalid request', 'query.pageToken: not a token from a previous page', [{ field: 'query.pageToken', message: 'not a token from a previous page' }]);

/**
 * Page tokens carry a checksum of Temporal's token: the server answers a damaged token with an
 * internal error that clients retry for many seconds, so a token this API did not issue is
 * refused before it gets there.
 */
const CHECK_BYTES = 8;
const checksum = (raw: Uint8Array) => createHash('sha256').update(raw).digest().subarray(0, CHECK_BYTES);

function encodePageToken(raw: Uint8Array | null | undefined): string | null {
  return raw?.length ? Buffer.concat([checksum(raw), raw]).toString('base64url') : null;
}

function decodePageToken(token: string | undefined): Uint8Array {
  if (!token) return new Uint8Array();
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw badToken();
  const bytes = Buffer.from(token, 'base64url');
  const raw = bytes.subarray(CHECK_BYTES);
  if (raw.length === 0 || !checksum(raw).equals(bytes.subarray(0, CHECK_BYTES))) throw badToken();
  return raw;
}

async function summarize(deps: ApiDeps, kinds: ListedRunKinds, executions: RawInfo[]): Promise<RunSummary[]> {
  const runs = await Promise.all(
    executions.map(async (raw) => {
      const attributes = decodeTypedSearchAttributes(raw.searchAttributes?.indexedFields);
      const workflowId = raw.execution?.workflowId ?? '';
      const type = raw.type?.name ?? '';
      const ref: ListedRunRef = { workflowId, businessKey: attributes.get(BUSINESS_KEY) ?? null };
      const summary: RunSummary = {
        workflowId,
        runId: raw.execution?.runId ?? '',
        pipeline: attributes.get(PIPELINE) ?? '',
        type,
        businessKey: ref.businessKey,
        status: await statusOf(deps, raw),
        statusDetail: attributes.get(STATUS_DETAIL) ?? null,
        startedAt: iso(raw.startTime) ?? '',
        closedAt: iso(raw.closeTime),
        progress: null,
        links: { job: kinds[type]?.jobPath(ref) ?? null, ...runLinks(deps.config, workflowId) },
      };
      return { ref, summary };
    }),
  );
  // One progress query per workflow type for the whole page, not one per run.
  for (const [type, kind] of Object.entries(kinds)) {
    const ofType = runs.filter((r) => r.summary.type === type);
    if (!kind.progress || ofType.length === 0) continue;
    const progress = await kind.progress(ofType.map((r) => r.ref));
    for (const r of ofType) r.summary.progress = progress.get(r.ref.workflowId) ?? null;
  }
  return runs.map((r) => r.summary);
}

/**
 * `GET /api/runs`: every job of every pipeline, from Temporal's visibility store (the runs carry
 * `DpPipeline`, `DpBusinessKey` and `DpStatusDetail`), running ones first, then the most recently
 * closed. Child workflows are left out: they are the parts of a listed run.
 */
export function runListRoute(deps: ApiDeps, pipelines: readonly [string, ...string[]], kinds: ListedRunKinds): RouteSpec {
  return defineRoute({
    method: 'get',
    path: '/api/runs',
    summary: 'Runs of every pipeline: running first, then the most recently closed; filter by pipeline and status',
    tag: 'runs',
    query: z.object({
      pipeline: z.enum(pipelines).optional(),
      status: z.enum(JOB_STATUSES).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      pageToken: z.string().max(4000).optional(),
    }),
    responses: { 200: { description: 'A page of runs', schema: RunList } },
    async handler({ query, res }) {
      const response = await deps.temporal.workflowService.listWorkflowExecutions({
        namespace: deps.config.temporal.namespace,
        query: runListQuery(query),
        pageSize: query.limit,
        nextPageToken: decodePageToken(query.pageToken),
      });
      let items = await summarize(deps, kinds, response.executions ?? []);
      // Visibility cannot tell PENDING from RUNNING; the describe above did.
      if (query.status === 'PENDING' || query.status === 'RUNNING') items = items.filter((run) => run.status === query.status);
      res.json({ items, nextPageToken: encodePageToken(response.nextPageToken) } satisfies z.infer<typeof RunList>);
    },
  });
}

/** Progress of a page of runs from one counting query over their jobs (`jobOf` names the counted row). */
export async function countedProgress(
  runs: readonly ListedRunRef[],
  jobOf: (run: ListedRunRef) => string,
  count: (jobIds: string[]) => Promise<Array<{ id: string; total: number; done: number; failed: number }>>,
  unit: string,
): Promise<Map<string, RunProgress>> {
  const counts = new Map((await count([...new Set(runs.map(jobOf))])).map((c) => [c.id, c]));
  const progress = new Map<string, RunProgress>();
  for (const run of runs) {
    const c = counts.get(jobOf(run));
    if (c) progress.set(run.workflowId, { done: c.done, failed: c.failed, total: c.total, unit });
  }
  return progress;
}
