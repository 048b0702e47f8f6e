import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { AUDIO_SNIFF_BYTES, audioTypeOf } from '../../domain/stt/audio-types';
import type { FetchPolicy } from '../../infra/http/fetch-remote';
import { createGuardedAgent } from '../../infra/http/guarded-agent';
import * as jobs from '../../infra/stt/queries/jobs';
import type { ObjectStore } from '../../infra/storage';
import { FAILURE_TYPES, knownFailure } from '../shared/failure-types';
import { transferToStorage } from '../shared/transfer-to-storage';

export interface AudioFetchDeps {
  pool: Pool;
  store: ObjectStore;
  fetch: FetchPolicy;
  maxBytes: number;
}

async function firstBytes(store: ObjectStore, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.get(key, { start: 0, end: AUDIO_SNIFF_BYTES - 1 })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** One object per job, whatever its id holds: a retry resumes the same partial. */
const fetchedAudioKey = (jobId: string) => `stt/fetched/${createHash('sha256').update(jobId).digest('hex').slice(0, 40)}`;

/**
 * Fetches an `{audioUrl}` job's audio into object storage through the SSRF guard, heartbeating
 * its progress; a retry after a crash resumes from what was stored (a Range request). Audio the
 * vendor would refuse fails the job here, as an upload of it is refused by the API.
 */
export function createAudioFetcher(deps: AudioFetchDeps) {
  const dispatcher = createGuardedAgent({ allow: deps.fetch.allowEndpoints });

  return async function fetchAudioUrl(input: { jobId: string }): Promise<{ sizeBytes: number }> {
    const job = await jobs.findSttJob(deps.pool, input.jobId);
    if (!job) throw knownFailure(FAILURE_TYPES.badData, `transcription ${input.jobId} does not exist`);
    // A retry after the row was written: the audio is there.
    if (job.audioKey && job.sizeBytes !== null) return { sizeBytes: job.sizeBytes };
    if (!job.audioUrl) throw knownFailure(FAILURE_TYPES.badData, `transcription ${input.jobId} has neither audio nor an audio URL`);
    const key = fetchedAudioKey(job.id);
    const stored = await transferToStorage({ store: deps.store, fetch: deps.fetch, dispatcher, maxBytes: deps.maxBytes, contentType: 'application/octet-stream' }, job.audioUrl, key);
    if (stored.size === 0) throw knownFailure(FAILURE_TYPES.badInput, `${job.audioUrl} is an empty file`);
    const type = audioTypeOf(job.filename, undefined, await firstBytes(deps.store, key));
    if (!type) {
      await deps.store.delete(key);
      throw knownFailure(FAILURE_TYPES.badInput, `${job.audioUrl} is not a supported audio file (mp4, m4a, mp3, amr, flac or wav)`);
    }
    await jobs.recordFetchedAudio(deps.pool, job.id, { audioKey: key, audioSha256: stored.sha256, contentType: type.contentType, sizeBytes: stored.size });
    return { sizeBytes: stored.size };
  };
}
