import { LocalObjectStore } from './local-object-store';
import type { ObjectStore } from './object-store';

export * from './errors';
export { LocalObjectStore } from './local-object-store';
export { objectKeySegments } from './object-key';
export type { ObjectBody, ObjectInfo, ObjectStore, PutResult } from './object-store';

/** Which store to build; one variant per backend. */
export type ObjectStoreConfig = { kind: 'local'; rootDir: string };

/**
 * The one place that picks a backend. An S3-compatible store is a second `kind` here
 * (`{ kind: 's3'; bucket; prefix; region; endpoint? }`) implementing ObjectStore with multipart
 * uploads: `put` streams parts and completes the upload (S3 publishes atomically on completion),
 * and a partial upload maps to an in-progress multipart upload. Callers see no difference.
 */
export function createObjectStore(config: ObjectStoreConfig): ObjectStore {
  switch (config.kind) {
    case 'local':
      return new LocalObjectStore(config.rootDir);
  }
}
