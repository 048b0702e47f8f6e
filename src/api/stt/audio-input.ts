import type { Request } from 'express';
import { z } from 'zod';
import { openRemote, RemoteFetchError } from '../../infra/http/fetch-remote';
import { UnsafeUrlError } from '../../infra/http/url-guard';
import type { SttSettings } from '../../pipelines/stt/settings';
import type { ApiDeps } from '../shared/deps';
import { filenameFromUrl, invalidField } from '../shared/ingress';
import { receiveAudioUpload, storeAudioStream, type StoredAudio } from './audio-upload';

const UploadOptions = z.object({
  diarization: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  speakerCount: z.coerce.number().int().min(0).max(20).default(0),
  domain: z.enum(['GENERAL', 'CALL']).default('GENERAL'),
});
export type TranscriptionOptions = z.output<typeof UploadOptions>;

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

type InputDeps = Pick<ApiDeps, 'config' | 'store'>;

/**
 * `{audioUrl}`: fetched through the SSRF guard and stored first, exactly like an upload. The file
 * name comes from the URL (checked before fetching, and again after redirects).
 */
async function fetchAudio(deps: InputDeps, settings: SttSettings, body: unknown): Promise<StoredAudio & { fields: Record<string, string> }> {
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
  const stored = await storeAudioStream(deps.store, remote.body, { filename, mimeType: remote.contentType, maxBytes: settings.maxUploadBytes, field: 'body.audioUrl' });
  return { ...stored, fields: Object.fromEntries(Object.entries(options).map(([k, v]) => [k, String(v)])) };
}

/**
 * The audio of a transcription request, in object storage, and its options: a multipart `file`
 * (+ option fields) or JSON `{audioUrl, …}`. Audio whose options are refused is deleted again.
 */
export async function readAudioRequest(deps: InputDeps, settings: SttSettings, req: Request): Promise<{ audio: StoredAudio; options: TranscriptionOptions }> {
  const { fields, ...audio } = req.is('application/json') ? await fetchAudio(deps, settings, req.body) : await receiveAudioUpload(req, deps.store, settings.maxUploadBytes);
  const parsed = UploadOptions.safeParse(fields);
  if (!parsed.success) {
    await deps.store.delete(audio.key);
    throw invalidBody(parsed.error.issues);
  }
  return { audio, options: parsed.data };
}
