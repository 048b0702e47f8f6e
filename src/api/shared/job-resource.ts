import type { Request } from 'express';
import { z } from 'zod';
import type { PlatformConfig } from '../../config/platform';
import { webUiRunUrl } from '../../infra/temporal/client';
import type { ApiDeps } from './deps';
import { notFound } from './problem';
import { defineRoute, type RouteSpec } from './route';
import { workflowIdFromRequest } from './start-workflow';
import { cancelActiveRun, describeRun, JOB_STATUSES, type JobStatus, type RunState } from './workflow-status';

/** What the shared routes need of a stored job. */
export interface JobRecord {
  id: string;
  /** The job's current run when it is not the job id itself (a later run of the same job, such as a risk retry). */
  workflowId?: string;
}

/** The workflow id of a job's current run. */
export const currentRun = (job: JobRecord): string => job.workflowId ?? job.id;

/**
 * A pipeline's service as the shared routes use it. `accept` writes everything a request stores
 * in one transaction; `start` runs after that transaction has committed.
 */
export interface JobService<Input, Job extends JobRecord, Fields> {
  find(id: string): Promise<Job | undefined>;
  /** Stores a new job in one transaction; returns the stored job (a concurrent request's, when that one stored it first). */
  accept(input: Input): Promise<Job>;
  /** Starts the job's current run unless it exists (the workflow id makes it idempotent); true when this call started it. */
  start(job: Job): Promise<boolean>;
  /** The pipeline's own fields of the job's view. */
  viewFields(job: Job, run: RunState): Promise<Fields>;
}

export interface JobResourceSpec<Input, Shape extends z.ZodRawShape> {
  /** e.g. `/api/etl-jobs`; a job is `<basePath>/:id`. */
  basePath: string;
  /** Where jobs are accepted, when not at `basePath` (moderation takes items at one path and shows batches at another). */
  acceptPath?: string;
  /** Names a job in messages: "ETL job". */
  noun: string;
  /** The OpenAPI tag. */
  tag: string;
  /** Workflow ids are `<prefix>-<Idempotency-Key or business key>`. */
  workflowIdPrefix: string;
  /** Without `cancel`, the resource has no cancel route. */
  summaries: { accept: string; view: string; cancel?: string };
  accept: {
    /** Documents the Idempotency-Key header. */
    idempotencyKey: string;
    body?: z.ZodType;
    multipart?: RouteSpec['multipart'];
    /** The key of a request without an Idempotency-Key (by default a random one: every such request is new). */
    businessKey?(req: Request): string;
    /** Reads (and stores) the request's input into the service's; runs only when no job has this id yet. */
    read(request: { req: Request; body: unknown; id: string }): Promise<Input>;
  };
  /** The view's pipeline fields, between `status` and `links`. */
  fields: Shape;
  /** Sub-resources linked from every answer: `results` gives `links.results = <basePath>/<id>/results`. */
  subresources?: readonly string[];
}

export type JobView<Fields> = { id: string; status: JobStatus } & Fields & { links: Record<string, string> };

export interface JobResource<Job extends JobRecord, Fields> {
  /** Accept, view and (when the spec names it) cancel. */
  routes: RouteSpec[];
  /** The stored job, or a 404 naming it. */
  load(id: string): Promise<Job>;
  view(job: Job): Promise<JobView<Fields>>;
  links(job: JobRecord): Record<string, string>;
  /** The schema of `links`, for a pipeline's own routes that answer with them. */
  linksSchema: z.ZodObject;
  /** The schema of `view(job)`, for a pipeline's own routes that answer with the view (e.g. as events). */
  viewSchema: z.ZodObject;
}

/** Where to look at a run: its Temporal-level view in this API, and the Temporal Web UI. */
export function runLinks(config: PlatformConfig, workflowId: string): { run: string; webUi: string } {
  return { run: `/api/runs/${workflowId}`, webUi: webUiRunUrl(config, workflowId) };
}

const JobId = z.object({ id: z.string().min(1).max(200) });

function schemasOf(spec: JobResourceSpec<unknown, z.ZodRawShape>) {
  const subresources = Object.fromEntries((spec.subresources ?? []).map((name) => [name, z.string()]));
  const links = z.object({
    self: z.string(),
    ...subresources,
    run: z.string().describe('The Temporal-level view of the current run: GET /api/runs/<workflowId>'),
    webUi: z.string().describe('The current run in the Temporal Web UI'),
  });
  const status = z.enum(JOB_STATUSES);
  const created = z.boolean().describe('false when the key was used before: the answer is the existing job');
  return {
    links,
    view: z.object({ id: z.string(), status, ...spec.fields, links }),
    accepted: z.object({ id: z.string(), status, created, ...spec.fields, links }),
    canceling: z.object({ id: z.string(), status: z.literal('CANCELING'), links }),
  };
}

/** What the three routes share: the spec, the service, and how a job becomes its links and its view. */
interface ResourceParts<Input, Job extends JobRecord, Fields> {
  deps: ApiDeps;
  service: JobService<Input, Job, Fields>;
  spec: JobResourceSpec<Input, z.ZodRawShape>;
  schemas: ReturnType<typeof schemasOf>;
  load(id: string): Promise<Job>;
  view(job: Job): Promise<JobView<Fields>>;
  links(job: JobRecord): Record<string, string>;
}

function acceptRoute<Input, Job extends JobRecord, Fields>(parts: ResourceParts<Input, Job, Fields>): RouteSpec {
  const { service, spec, schemas, view } = parts;
  return defineRoute({
    method: 'post',
    path: spec.acceptPath ?? spec.basePath,
    summary: spec.summaries.accept,
    tag: spec.tag,
    headers: { 'Idempotency-Key': spec.accept.idempotencyKey },
    body: spec.accept.body,
    multipart: spec.accept.multipart,
    responses: {
      202: { description: `Accepted: the new ${spec.noun}`, schema: schemas.accepted },
      200: { description: `Accepted earlier under the same key: the existing ${spec.noun}`, schema: schemas.accepted },
    },
    async handler({ req, res, body }) {
      const id = workflowIdFromRequest(req, spec.workflowIdPrefix, spec.accept.businessKey?.(req));
      const job = (await service.find(id)) ?? (await service.accept(await spec.accept.read({ req, body, id })));
      // After the commit, and on every repeat: a job whose start failed once is started by its retry.
      const created = await service.start(job);
      const { id: jobId, status, links, ...fields } = await view(job);
      res.status(created ? 202 : 200).location(links.self).json({ id: jobId, status, created, ...fields, links });
    },
  });
}

function viewRoute<Input, Job extends JobRecord, Fields>({ spec, schemas, load, view }: ResourceParts<Input, Job, Fields>): RouteSpec {
  return defineRoute({
    method: 'get',
    path: `${spec.basePath}/:id`,
    summary: spec.summaries.view,
    tag: spec.tag,
    params: JobId,
    responses: { 200: { description: `The ${spec.noun}`, schema: schemas.view } },
    async handler({ params, res }) {
      res.json(await view(await load(params.id)));
    },
  });
}

function cancelRoute<Input, Job extends JobRecord, Fields>({ deps, spec, schemas, load, links }: ResourceParts<Input, Job, Fields>, summary: string): RouteSpec {
  return defineRoute({
    method: 'post',
    path: `${spec.basePath}/:id/cancel`,
    summary,
    tag: spec.tag,
    params: JobId,
    responses: {
      202: { description: 'Cancellation requested; the job ends CANCELED once its work has stopped', schema: schemas.canceling },
      409: { description: `The ${spec.noun} is not running` },
    },
    async handler({ params, res }) {
      const job = await load(params.id);
      await cancelActiveRun(deps.temporal, currentRun(job), `${spec.noun} ${job.id}`);
      res.status(202).json({ id: job.id, status: 'CANCELING', links: links(job) });
    },
  });
}

/**
 * The routes every pipeline's jobs share, with one behaviour and one answer shape:
 * `POST <base>` accepts (202 with the new job, 200 with the existing one when the Idempotency-Key
 * or business key was used before; `Location` either way), `GET <base>/:id` shows the job (the
 * five states from Temporal plus the pipeline's fields), `POST <base>/:id/cancel` asks a running
 * job to stop (202 CANCELING, 409 when it is not running). Every answer is
 * `{ id, status, …fields, links: { self, …subresources, run, webUi } }`.
 */
export function jobResource<Input, Job extends JobRecord, Shape extends z.ZodRawShape>(
  deps: ApiDeps,
  service: JobService<Input, Job, z.output<z.ZodObject<Shape>>>,
  spec: JobResourceSpec<Input, Shape>,
): JobResource<Job, z.output<z.ZodObject<Shape>>> {
  type Fields = z.output<z.ZodObject<Shape>>;
  const links = (job: JobRecord): Record<string, string> => {
    const self = `${spec.basePath}/${job.id}`;
    const subresources = Object.fromEntries((spec.subresources ?? []).map((name) => [name, `${self}/${name}`]));
    return { self, ...subresources, ...runLinks(deps.config, currentRun(job)) };
  };
  const load = async (id: string): Promise<Job> => {
    const job = await service.find(id);
    if (!job) throw notFound(`${spec.noun} ${id}`);
    return job;
  };
  const view = async (job: Job): Promise<JobView<Fields>> => {
    const run = await describeRun(deps.temporal, currentRun(job));
    const fields = await service.viewFields(job, run);
    return { id: job.id, status: run.status, ...fields, links: links(job) } as JobView<Fields>;
  };
  const schemas = schemasOf(spec as JobResourceSpec<unknown, z.ZodRawShape>);
  const parts: ResourceParts<Input, Job, Fields> = { deps, service, spec: spec as JobResourceSpec<Input, z.ZodRawShape>, schemas, load, view, links };
  const routes = [acceptRoute(parts), viewRoute(parts), ...(spec.summaries.cancel ? [cancelRoute(parts, spec.summaries.cancel)] : [])];
  return { routes, load, view, links, linksSchema: schemas.links, viewSchema: schemas.view };
}
