import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../../../src/config';
import { createObjectStore, LocalObjectStore, S3ObjectStore } from '../../../../src/infra/storage';

describe('storage configuration', () => {
  test('the local store is the default', () => {
    const storage = loadConfig({ STORAGE_DIR: '/tmp/objects' }).storage;
    assert.deepEqual(storage, { kind: 'local', rootDir: '/tmp/objects' });
    assert.ok(createObjectStore(storage) instanceof LocalObjectStore);
  });

  test('STORAGE_BACKEND=s3 reads the S3_ variables and builds the S3 store', () => {
    const storage = loadConfig({
      STORAGE_BACKEND: 's3',
      S3_BUCKET: 'media-prod',
      S3_ENDPOINT: 'http://127.0.0.1:7070',
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'secret',
    }).storage;
    assert.equal(storage.kind, 's3');
    assert.deepEqual(
      { ...storage, rootDir: undefined },
      {
        kind: 's3',
        rootDir: undefined,
        bucket: 'media-prod',
        region: 'us-east-1',
        endpoint: 'http://127.0.0.1:7070',
        forcePathStyle: true,
        credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
      },
    );
    const store = createObjectStore(storage);
    assert.ok(store instanceof S3ObjectStore);
    store.bucket.client.destroy();
  });

  const bad: Array<[string, Record<string, string>]> = [
    ['STORAGE_BACKEND', { STORAGE_BACKEND: 'gcs' }],
    ['S3_BUCKET', { STORAGE_BACKEND: 's3' }],
    ['S3_BUCKET', { STORAGE_BACKEND: 's3', S3_BUCKET: 'Bad_Bucket' }],
    ['S3_ENDPOINT', { STORAGE_BACKEND: 's3', S3_BUCKET: 'b-1', S3_ENDPOINT: 'not a url' }],
    ['S3_SECRET_ACCESS_KEY', { STORAGE_BACKEND: 's3', S3_BUCKET: 'b-1', S3_ACCESS_KEY_ID: 'id' }],
    ['S3_FORCE_PATH_STYLE', { S3_FORCE_PATH_STYLE: 'maybe' }],
  ];
  for (const [name, env] of bad) {
    test(`${JSON.stringify(env)} fails with one line naming ${name}`, () => {
      assert.throws(
        () => loadConfig(env),
        (err: Error) => err instanceof ConfigError && err.message.startsWith(`${name}: `) && !err.message.includes('\n'),
      );
    });
  }

  test('segments below S3\'s smallest part and odd prefixes are refused', () => {
    const base = { bucket: 'b-1', region: 'us-east-1' };
    assert.throws(() => new S3ObjectStore({ ...base, segmentSize: 1024 }), RangeError);
    assert.throws(() => new S3ObjectStore({ ...base, prefix: 'no-slash' }), RangeError);
    assert.throws(() => new S3ObjectStore({ ...base, prefix: '../up/' }), RangeError);
  });
});
