/** Extract-and-validate rules of the video ETL: pure, shared by the staging activity and the API. */
export * from './types';
export { mapHeader, fieldForHeader, normaliseHeader, recordValues, isBlankRecord, HEADER_ALIASES, type HeaderMapping } from './headers';
export { validateRow, validateJsonRecord, normaliseRows, DuplicateIdFilter, MAX_ID_LENGTH, type AcceptedRow, type NormalisedRows } from './rows';
export { parseDuration } from './duration';
export { parsePublishedDate } from './dates';
export { parseVideoUrl } from './video-url';
export { parseAsxPlaylist, firstPlayableRef, playableRefs, isAsxUrl, InvalidPlaylistError, MAX_PLAYLIST_CHARS } from './asx';
export { storageKeyFor } from './storage-key';
