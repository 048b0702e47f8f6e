import type { Response } from 'express';
import { z } from 'zod';
import { toPlainText, toSrt } from '../../domain/stt/transcript-format';
import * as jobs from '../../infra/stt/queries/jobs';
import type { ObjectStore } from '../../infra/storage';
import { webUiRunUrl } from '../../infra/temporal/client';
import { BUSINESS_KEY, PIPELINE } from '../../workflows/shared/search-attributes';
import { transcriptionStateQuery, type TranscriptionState, type transcriptionWorkflow } from '../../workflows/stt/transcription';
import { openRemote, RemoteFetchError } from '../../infra/http/fetch-remote';
import { UnsafeUrlError } from '../../infra/http/url-guard';
import { receiveAudioUpload, storeAudioStream } from './audio-upload';
import type { ApiDeps } from '../shared/deps';
import { claimStoredInput, filenameFromUrl, invalidField } from '../shared/ingress';
import { notFound, ProblemError } from '../shared/problem';
import { startOrGetExisting, workflowIdFromRequest } from '../shared/start-workflow';
import { cancelActiveRun, isActive, jobStatus } from '../shared/workflow-status';
import { defineRoute } from '../shared/route';
import type { SttSettings } from '../../pipelines/stt/settings';

const Id = z.object({ id: z.string().min(1).max(200) });

const UploadOptions = z.object({
  diarization: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  speakerCount: z.coerce.number().int().min(0).max(20).default(0),
  domain: z.enum(['GENERAL', 'CALL']).default('GENERAL'),
});

const TranscriptionView = z.object({
  id: z.string(),
  status: z.enum(['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELED']),
  phase: z.string(),
  retryAt: z.string().nullable(),
  reason: z.string().nullable(),
  vendorJobId: z.string().nullable(),
  attempts: z.number(),
  error: z.string().nullable(),
  filename: z.string(),
  sizeBytes: z.number(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  links: z.record(z.string(), z.string()),
});
type TranscriptionView = z.infer<typeof TranscriptionView>;

/** State from the workflow while it runs (phase, retryAt), from PostgreSQL once it has closed. */
async function viewOf(deps: ApiDeps, job: jobs.SttJobRow): Promise<TranscriptionView> {
  const handle = deps.temporal.workflow.getHandle(job.id);
  const status = jobStatus(await handle.describe());
  const live: TranscriptionState | undefined = await handle.query(transcriptionStateQuery).catch(() => undefined);
  return {
    id: job.id,
    status,
    phase: live?.phase ?? (status === 'PENDING' ? 'queued' : status.toLowerCase()),
    retryAt: live?.retryAt ?? null,
    reason: live?.reason ?? null,
    vendorJobId: live?.vendorJobId ?? job.vendor_job_id,
    attempts: live?.attempts ?? 0,
    error: live?.error ?? job.error,
    filename: job.filename,
    sizeBytes: Number(job.size_bytes),
    createdAt: job.created_at.toISOString(),
    finishedAt: job.finished_at?.toISOString() ?? null,
    links: {
      self: `/api/transcriptions/${job.id}`,
      events: `/api/transcriptions/${job.id}/events`,
      transcript: `/api/transcriptions/${job.id}/transcript`,
      run: `/api/runs/${job.id}`,
      webUi: webUiRunUrl(deps.config, job.id),
    },
  };
}

async function loadJob(deps: ApiDeps, id: string): Promise<jobs.SttJobRow> {
  const job = await jobs.findSttJob(deps.pool, id);
  if (!job) throw notFound(`Transcription ${id}`);
  return job;
}

const AudioUrlRequest = z.object({
  audioUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  diarization: z.boolean().optional(),
  speakerCount: z.number().int().optional(),
  domain: z.string().optional(),
});

const invalidBody = (issues: z.core.$ZodIssue[]) => {
  const issue = issues[0];
  return invalidField(`body.${issue.path.join('.')}`, issue.message);
};

/**
 * `{audioUrl}`: fetched through the SSRF guard and stored first, exactly like an upload. The file
 * name comes from the URL (checked before fetching, and again after redirects).
 */
async function fetchAudio(deps: ApiDeps, settings: SttSettings, store: ObjectStore, body: unknown) {
  const parsed = AudioUrlRequest.safeParse(body);
  if (!parsed.success) throw invalidBody(parsed.error.issues);
  const { audioUrl, ...options } = parsed.data;
  const url = new URL(audioUrl);
  filenameFromUrl(url, 'body.audioUrl', 'audio');
  let remote;
  try {
    remote = await openRemote(url, deps.config.fetch);
  } catch (err) {
    if (err instanceof UnsafeUrlError || err instanceof RemoteFetchError) throw invalidField('body.audioUrl', err.message);
    throw err;
  }
  let filename: string;
  try {
    filename = filenameFromUrl(remote.finalUrl, 'body.audioUrl', 'audio');
  } catch (err) {
    remote.body.destroy();
    throw err;
  }
  const stored = await storeAudioStream(store, remote.body, { filename, mimeType: remote.contentType, maxBytes: settings.maxUploadBytes, field: 'body.audioUrl' });
  return { ...stored, fields: Object.fromEntries(Object.entries(options).map(([k, v]) => [k, String(v)])) };
}

/** Server-sent events: one `state` event per change, until the job ends or the client leaves. */
async function streamState(deps: ApiDeps, job: jobs.SttJobRow, res: Response): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  let closed = false;
  res.on('close', () => (closed = true));
  let last = '';
  while (!closed) {
    const view = await viewOf(deps, job);
    const data = JSON.stringify(view);
    if (data !== last) res.write(`event: state\ndata: ${data}\n\n`);
    last = data;
    if (!isActive(view.status)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  res.end();
}

export function transcriptionRoutes(deps: ApiDeps, settings: SttSettings) {
  const { store } = deps;
  return [
    defineRoute({
      method: 'post',
      path: '/api/transcriptions',
      summary: 'Transcribe audio: multipart `file` (+ diarization, speakerCount, domain fields) or JSON {audioUrl, …}',
      tag: 'stt',
      headers: { 'Idempotency-Key': 'Same key → same transcription; the upload is not stored twice' },
      multipart: { file: 'file', description: 'An audio file (mp4, m4a, mp3, amr, flac or wav, at most STT_MAX_UPLOAD_BYTES) with optional fields diarization, speakerCount, domain' },
      responses: { 202: { description: 'Accepted', schema: TranscriptionView }, 200: { description: 'Already accepted earlier', schema: TranscriptionView } },
      async handler({ req, res }) {
        const id = workflowIdFromRequest(req, 'stt');
        const existing = await jobs.findSttJob(deps.pool, id);
        if (existing) {
          res.status(200).json(await viewOf(deps, existing));
          return;
        }
        const upload = req.is('application/json') ? await fetchAudio(deps, settings, store, req.body) : await receiveAudioUpload(req, store, settings.maxUploadBytes);
        const parsed = UploadOptions.safeParse(upload.fields);
        if (!parsed.success) {
          await store.delete(upload.key);
          throw invalidBody(parsed.error.issues);
        }
        const options = { diarization: parsed.data.diarization, speakerCount: parsed.data.speakerCount, domain: parsed.data.domain };
        await claimStoredInput(store, upload.key, () =>
          jobs.insertSttJob(deps.pool, {
            id,
            vendor: 'rtzr',
            audioKey: upload.key,
            audioSha256: upload.sha256,
            filename: upload.filename,
            contentType: upload.type.contentType,
            sizeBytes: upload.size,
            options,
          }),
        );
        const { created } = await startOrGetExisting<typeof transcriptionWorkflow>(deps.temporal, 'transcriptionWorkflow', {
          workflowId: id,
          taskQueue: settings.queue.taskQueue,
          args: [{ jobId: id, tuning: settings.tuning }],
          typedSearchAttributes: [
            { key: PIPELINE, value: 'stt' },
            { key: BUSINESS_KEY, value: id },
          ],
          staticSummary: `transcribe ${upload.filename} (${upload.size} bytes)`,
        });
        res.status(created ? 202 : 200).location(`/api/transcriptions/${id}`).json(await viewOf(deps, await loadJob(deps, id)));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/transcriptions/:id',
      summary: 'State of a transcription: phase, rate-limit retry time, vendor job id',
      tag: 'stt',
      params: Id,
      responses: { 200: { description: 'The transcription', schema: TranscriptionView } },
      async handler({ params, res }) {
        res.json(await viewOf(deps, await loadJob(deps, params.id)));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/transcriptions/:id/events',
      summary: 'Server-sent events: the state on every change until the job ends',
      tag: 'stt',
      params: Id,
      responses: { 200: { description: 'An event stream', contentType: 'text/event-stream' } },
      async handler({ params, res }) {
        await streamState(deps, await loadJob(deps, params.id), res);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/transcriptions/:id/transcript',
      summary: 'The transcript as JSON, plain text (Accept: text/plain) or SRT (Accept: application/x-subrip or ?format=srt)',
      tag: 'stt',
      params: Id,
      query: z.object({ format: z.enum(['json', 'text', 'srt']).optional() }),
      responses: { 200: { description: 'The transcript' } },
      async handler({ params, query, req, res }) {
        const job = await loadJob(deps, params.id);
        if (job.status !== 'COMPLETED') throw new ProblemError(409, 'Conflict', `Transcription ${job.id} is ${job.status}, not COMPLETED`);
        const utterances = await jobs.findUtterances(deps.pool, job.id);
        const format = query.format ?? ({ 'text/plain': 'text', 'application/x-subrip': 'srt' } as const)[req.accepts(['application/json', 'text/plain', 'application/x-subrip']) as string] ?? 'json';
        if (format === 'text') res.type('text/plain').send(toPlainText(utterances));
        else if (format === 'srt') res.type('application/x-subrip').send(toSrt(utterances));
        else res.json({ id: job.id, utterances });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/transcriptions/:id/cancel',
      summary: 'Cancel a transcription; its vendor slot is released',
      tag: 'stt',
      params: Id,
      responses: { 202: { description: 'Cancellation requested' } },
      async handler({ params, res }) {
        const job = await loadJob(deps, params.id);
        await cancelActiveRun(deps.temporal, job.id, `Transcription ${job.id}`);
        res.status(202).json({ id: job.id, status: 'CANCELING' });
      },
    }),
  ];
}
