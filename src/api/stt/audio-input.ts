import type { Request } from 'express';
import { z } from 'zod';
import { assertFetchableUrl, UnsafeUrlError } from '../../infra/http/url-guard';
import type { SttSettings } from '../../pipelines/stt/settings';
import type { ApiDeps } from '../shared/deps';
import { filenameFromUrl, invalidField } from '../shared/ingress';
import { receiveAudioUpload, type StoredAudio } from './audio-upload';

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

/** Audio the workflow fetches: checked here as far as the URL alone tells, fetched by an activity. */
export interface AudioUrl {
  url: string;
  filename: string;
}

/**
 * `{audioUrl}`: only checked here (http(s), no credentials, no refused address written as the
 * host, the file name), so the request never waits on a slow source; the workflow fetches it
 * through the same guard, which also vets what the name resolves to.
 */
function readAudioUrl(deps: InputDeps, body: unknown): AudioUrl & { fields: Record<string, string> } {
  const parsed = AudioUrlRequest.safeParse(body);
  if (!parsed.success) throw invalidBody(parsed.error.issues);
  const { audioUrl, ...options } = parsed.data;
  const url = new URL(audioUrl);
  try {
    assertFetchableUrl(url, deps.config.fetch.allowEndpoints);
  } catch (err) {
    if (err instanceof UnsafeUrlError) throw invalidField('body.audioUrl', err.message);
    throw err;
  }
  const filename = filenameFromUrl(url, 'body.audioUrl', 'audio');
  return { url: url.href, filename, fields: Object.fromEntries(Object.entries(options).map(([k, v]) => [k, String(v)])) };
}

/**
 * The audio of a transcription request, in object storage, and its options: a multipart `file`
 * (+ option fields) or JSON `{audioUrl, …}` (fetched later, by the workflow). Audio whose options
 * are refused is deleted again.
 */
export async function readAudioRequest(deps: InputDeps, settings: SttSettings, req: Request): Promise<{ audio: StoredAudio | AudioUrl; options: TranscriptionOptions }> {
  const { fields, ...audio } = req.is('application/json') ? readAudioUrl(deps, req.body) : await receiveAudioUpload(req, deps.store, settings.maxUploadBytes);
  const parsed = UploadOptions.safeParse(fields);
  if (!parsed.success) {
    if ('key' in audio) await deps.store.delete(audio.key);
    throw invalidBody(parsed.error.issues);
  }
  return { audio, options: parsed.data };
}
