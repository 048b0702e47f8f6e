import type { Response } from 'express';
import { z } from 'zod';
import { toPlainText, toSrt } from '../../domain/stt/transcript-format';
import type { SttSettings } from '../../pipelines/stt/settings';
import type { ApiDeps } from '../shared/deps';
import { jobResource, type JobView } from '../shared/job-resource';
import { defineRoute, type RouteSpec } from '../shared/route';
import { isActive } from '../shared/workflow-status';
import { readAudioRequest } from './audio-input';
import { createTranscriptionService, TranscriptionFields } from './service';
import { vendorRoutes } from './vendor';

const Id = z.object({ id: z.string().min(1).max(200) });

const Transcript = z.object({
  id: z.string(),
  utterances: z.array(z.object({ speaker: z.number(), startMs: z.number(), durationMs: z.number(), text: z.string() })),
});

/** Server-sent events: one `state` event per change, until the job ends or the client leaves. */
async function streamState(view: () => Promise<JobView<unknown>>, res: Response): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  let closed = false;
  res.on('close', () => (closed = true));
  let last = '';
  while (!closed) {
    const state = await view();
    const data = JSON.stringify(state);
    if (data !== last) res.write(`event: state\ndata: ${data}\n\n`);
    last = data;
    if (!isActive(state.status)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  res.end();
}

const TRANSCRIPT_TYPES = { 'text/plain': 'text', 'application/x-subrip': 'srt' } as const;

export function transcriptionRoutes(deps: ApiDeps, settings: SttSettings): RouteSpec[] {
  const service = createTranscriptionService(deps, settings);
  const transcriptions = jobResource(deps, service, {
    basePath: '/api/transcriptions',
    noun: 'Transcription',
    tag: 'stt',
    workflowIdPrefix: 'stt',
    summaries: {
      accept: 'Transcribe audio: multipart `file` (+ diarization, speakerCount, domain fields) or JSON {audioUrl, …}',
      view: 'State of a transcription: phase, rate-limit retry time, vendor job id',
      cancel: 'Cancel a transcription; its vendor slot is released',
    },
    accept: {
      idempotencyKey: 'Same key → same transcription; the upload is not stored twice',
      multipart: { file: 'file', description: 'An audio file (mp4, m4a, mp3, amr, flac or wav, at most STT_MAX_UPLOAD_BYTES) with optional fields diarization, speakerCount, domain' },
      read: async ({ req, id }) => ({ id, ...(await readAudioRequest(deps, settings, req)) }),
    },
    fields: TranscriptionFields,
    subresources: ['events', 'transcript'],
  });
  return [
    ...transcriptions.routes,
    ...vendorRoutes(deps, settings),
    defineRoute({
      method: 'get',
      path: '/api/transcriptions/:id/events',
      summary: 'Server-sent events: the state on every change until the job ends',
      tag: 'stt',
      params: Id,
      responses: {
        200: { description: 'An event stream of `state` events, each the transcription as GET answers it', contentType: 'text/event-stream', events: { state: transcriptions.viewSchema } },
      },
      async handler({ params, res }) {
        await transcriptions.load(params.id);
        // Re-read every time: the row gains the vendor job id, the error and finishedAt as the job goes.
        await streamState(async () => transcriptions.view(await transcriptions.load(params.id)), res);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/transcriptions/:id/transcript',
      summary: 'The transcript as JSON, plain text (Accept: text/plain) or SRT (Accept: application/x-subrip or ?format=srt)',
      tag: 'stt',
      params: Id,
      query: z.object({ format: z.enum(['json', 'text', 'srt']).optional() }),
      responses: {
        200: {
          description: 'The transcript (JSON here; text/plain or application/x-subrip when asked for)',
          schema: Transcript,
          alternatives: { 'text/plain': { schema: z.string() }, 'application/x-subrip': { schema: z.string() } },
        },
        409: { description: 'The transcription has not completed' },
      },
      async handler({ params, query, req, res }) {
        const job = await transcriptions.load(params.id);
        const utterances = await service.transcript(job);
        const format = query.format ?? TRANSCRIPT_TYPES[req.accepts(['application/json', 'text/plain', 'application/x-subrip']) as keyof typeof TRANSCRIPT_TYPES] ?? 'json';
        if (format === 'text') res.type('text/plain').send(toPlainText(utterances));
        else if (format === 'srt') res.type('application/x-subrip').send(toSrt(utterances));
        else res.json({ id: job.id, utterances });
      },
    }),
  ];
}
