import { LocalObjectStore } from './local-object-store';
import type { ObjectStore } from './object-store';
import { S3ObjectStore, type S3StoreOptions } from './s3-object-store';

export * from './errors';
export { LocalObjectStore } from './local-object-store';
export { objectKeySegments } from './object-key';
export type { ObjectBody, ObjectInfo, ObjectStore, PutResult } from './object-store';
export { S3ObjectStore, type S3StoreOptions } from './s3-object-store';

/** Which store to build; one variant per backend. `Config['storage']` is one of these. */
export type ObjectStoreConfig = { kind: 'local'; rootDir: string } | ({ kind: 's3' } & S3StoreOptions);

/** The one place that picks a backend; callers see no difference between them. */
export function createObjectStore(config: ObjectStoreConfig): ObjectStore {
  switch (config.kind) {
    case 'local':
      return new LocalObjectStore(config.rootDir);
    case 's3':
      return new S3ObjectStore(config);
  }
}
