import { InvalidPlaylistError } from '../../domain/etl';
import type { FailureClassifier } from '../shared/failure-interceptor';
import { FAILURE_TYPES } from '../shared/failure-types';
import { classifyRemoteFetchFailure } from '../shared/remote-fetch-failures';

/**
 * What a video URL can do that no retry changes: point somewhere refused, answer 4xx, be too
 * large, or be a broken playlist. 5xx answers and resets fall through and are retried.
 */
export const classifyEtlFailure: FailureClassifier = (err) => {
  if (err instanceof InvalidPlaylistError) return { failureType: FAILURE_TYPES.badPlaylist };
  return classifyRemoteFetchFailure(err);
};
