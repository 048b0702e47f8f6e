import { InvalidPlaylistError } from '../../domain/etl';
import { RemoteFetchError } from '../../infra/http/fetch-remote';
import { UnsafeUrlError } from '../../infra/http/url-guard';
import { ObjectTooLargeError } from '../../infra/storage';
import type { FailureClassifier } from '../shared/failure-interceptor';
import { FAILURE_TYPES } from '../shared/failure-types';

/**
 * What a video URL can do that no retry changes: point somewhere refused, answer 4xx, be too
 * large, or be a broken playlist. 5xx answers and resets fall through and are retried.
 */
export const classifyEtlFailure: FailureClassifier = (err) => {
  if (err instanceof UnsafeUrlError) return { failureType: FAILURE_TYPES.unsafeUrl };
  if (err instanceof RemoteFetchError && err.status !== undefined && err.status >= 400 && err.status < 500) {
    // The workflow reads the status back from the details to record it with the video.
    return { failureType: FAILURE_TYPES.remoteRefused, details: [{ status: err.status }] };
  }
  if (err instanceof ObjectTooLargeError) return { failureType: FAILURE_TYPES.tooLarge };
  if (err instanceof InvalidPlaylistError) return { failureType: FAILURE_TYPES.badPlaylist };
  return undefined;
};
