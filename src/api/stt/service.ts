import { z } from 'zod';
import { withTransaction } from '../../infra/db/pool';
import * as jobs from '../../infra/stt/queries/jobs';
import type { SttSettings } from '../../pipelines/stt/settings';
import { BUSINESS_KEY, PIPELINE } from '../../workflows/shared/search-attributes';
import { transcriptionStateQuery, type TranscriptionState, type transcriptionWorkflow } from '../../workflows/stt/transcription';
import type { ApiDeps } from '../shared/deps';
import { claimStoredInput } from '../shared/ingress';
import type { JobService } from '../shared/job-resource';
import { queryLiveState } from '../shared/live-state';
import { ProblemError } from '../shared/problem';
import { startOrGetExisting } from '../shared/start-workflow';
import type { RunState } from '../shared/workflow-status';
import type { AudioUrl, TranscriptionOptions } from './audio-input';
import type { StoredAudio } from './audio-upload';

/** A transcription's own fields in its view. */
export const TranscriptionFields = {
  phase: z.string().describe('queued, fetching_audio, waiting_for_slot, submitted, transcribing, rate_limited, completed, failed or canceled'),
  retryAt: z.string().nullable().describe('While rate limited: when the vendor is tried again'),
  reason: z.string().nullable(),
  vendorJobId: z.string().nullable(),
  attempts: z.number(),
  submitsInDoubt: z
    .number()
    .int()
    .describe('Submits sent whose answer never came back (a worker stopped, or the connection broke, after the audio went out); the vendor may have run this audio once more for each. 0 normally'),
  error: z.string().nullable(),
  filename: z.string(),
  audioUrl: z.string().nullable().describe('The URL the audio is fetched from, for a job given one'),
  sizeBytes: z.number().nullable().describe('Size of the stored audio in bytes; null until an audioUrl has been fetched'),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
};
type TranscriptionFields = z.output<z.ZodObject<typeof TranscriptionFields>>;

export interface AcceptTranscription {
  id: string;
  audio: StoredAudio | AudioUrl;
  options: TranscriptionOptions;
}

function newJob(id: string, vendor: string, audio: StoredAudio | AudioUrl, options: TranscriptionOptions): jobs.NewSttJob {
  if ('url' in audio) return { id, vendor, filename: audio.filename, options, audioUrl: audio.url };
  return { id, vendor, filename: audio.filename, options, audioKey: audio.key, audioSha256: audio.sha256, contentType: audio.type.contentType, sizeBytes: audio.size };
}

export type TranscriptionService = ReturnType<typeof createTranscriptionService>;

/** What the API does with transcriptions; every write a request makes is one call here, in one transaction. */
export function createTranscriptionService(deps: Pick<ApiDeps, 'pool' | 'store' | 'temporal'>, settings: SttSettings) {
  const { pool, store, temporal } = deps;
  const find = (id: string) => jobs.findSttJob(pool, id);

  const service = {
    find,

    /** The job row claims the stored audio; a request that lost the race to its key (or failed) deletes what it stored. */
    async accept({ id, audio, options }: AcceptTranscription): Promise<jobs.SttJob> {
      const storedKey = 'key' in audio ? audio.key : undefined;
      await claimStoredInput(store, storedKey, () => withTransaction(pool, (tx) => jobs.insertSttJob(tx, newJob(id, settings.provider.name, audio, options))));
      const job = await find(id);
      if (!job) throw new Error(`transcription ${id} vanished right after it was stored`);
      return job;
    },

    async start(job: jobs.SttJob): Promise<boolean> {
      const { created } = await startOrGetExisting<typeof transcriptionWorkflow>(temporal, 'transcriptionWorkflow', {
        workflowId: job.id,
        taskQueue: settings.queue.taskQueue,
        args: [{ jobId: job.id, tuning: settings.tuning, ...(job.audioKey ? {} : { audioFromUrl: true }) }],
        typedSearchAttributes: [
          { key: PIPELINE, value: 'stt' },
          { key: BUSINESS_KEY, value: job.id },
        ],
        staticSummary: job.sizeBytes === null ? `transcribe ${job.filename} (from a URL)` : `transcribe ${job.filename} (${job.sizeBytes} bytes)`,
      });
      return created;
    },

    /**
     * The workflow's state (phase, retryAt, attempts) once a worker has picked the job up; PostgreSQL's
     * row for the rest, and for everything while the job is still queued (no worker could answer).
     */
    async viewFields(job: jobs.SttJob, run: RunState): Promise<TranscriptionFields> {
      const live: TranscriptionState | undefined =
        run.status === 'PENDING' ? undefined : await queryLiveState(temporal, job.id, transcriptionStateQuery);
      return {
        phase: live?.phase ?? (run.status === 'PENDING' ? 'queued' : run.status.toLowerCase()),
        retryAt: live?.retryAt ?? null,
        reason: live?.reason ?? null,
        vendorJobId: live?.vendorJobId ?? job.vendorJobId,
        attempts: live?.attempts ?? 0,
        submitsInDoubt: job.submitsInDoubt,
        error: live?.error ?? job.error,
        filename: job.filename,
        audioUrl: job.audioUrl,
        sizeBytes: job.sizeBytes,
        createdAt: job.createdAt.toISOString(),
        finishedAt: job.finishedAt?.toISOString() ?? null,
      };
    },

    /** The utterances of a finished transcription; 409 before it has completed. */
    async transcript(job: jobs.SttJob): Promise<jobs.UtteranceRecord[]> {
      if (job.status !== 'COMPLETED') throw new ProblemError(409, 'Conflict', `Transcription ${job.id} is ${job.status}, not COMPLETED`);
      return jobs.findUtterances(pool, job.id);
    },
  };
  return service satisfies JobService<AcceptTranscription, jobs.SttJob, TranscriptionFields>;
}
