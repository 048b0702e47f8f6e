import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config';
import { S3ObjectStore, type S3StoreOptions } from '../../../src/infra/storage';
import { goAvailable } from '../../../src/infra/process/go-tools';
import { buildVersitygw, findVersitygw, startVersitygw } from '../../support/versitygw';
import { objectStoreContract, type ContractTarget } from './object-store-contract';

/**
 * The contract against S3: the server S3_ENDPOINT names (with S3_BUCKET and friends, as the
 * application reads them), else a versitygw started here on a loopback port, built with Go if
 * need be. Neither possible: the suite is not registered, and one line says why.
 */

const log = (msg: string) => console.log(`[s3 contract] ${msg}`);
const toolsDir = loadConfig().toolsDir;
// The smallest S3 allows, so a 12 MiB upload already spans three segments.
const segmentSize = 5 * 1024 * 1024;

/** Each run writes under its own prefix and removes it afterwards, so a shared bucket stays clean. */
async function target(opts: Omit<S3StoreOptions, 'prefix' | 'segmentSize'>, stopServer?: () => Promise<void>): Promise<ContractTarget> {
  const full = { ...opts, prefix: `contract-${randomUUID().slice(0, 8)}/`, segmentSize };
  const stores: S3ObjectStore[] = [];
  const make = () => {
    const store = new S3ObjectStore(full);
    stores.push(store);
    return store;
  };
  const store = make();
  return {
    store,
    another: make,
    largeBytes: 12 * 1024 * 1024,
    async close() {
      await store.bucket.deleteAll((await store.bucket.list(full.prefix)).map((o) => o.name));
      for (const s of stores) s.bucket.client.destroy();
      await stopServer?.();
    },
  };
}

async function configuredServer(): Promise<ContractTarget> {
  const storage = loadConfig({ ...process.env, STORAGE_BACKEND: 's3' }).storage;
  if (storage.kind !== 's3') throw new Error('unreachable: STORAGE_BACKEND=s3 was asked for');
  log(`using ${storage.endpoint}, bucket ${storage.bucket}`);
  return target(storage);
}

async function localServer(): Promise<ContractTarget> {
  const binary = findVersitygw(toolsDir) ?? (await buildVersitygw(toolsDir, log));
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'dp-versitygw-'));
  const server = await startVersitygw(binary, dataDir, 'contract');
  return target({ bucket: server.bucket, region: 'us-east-1', endpoint: server.endpoint, forcePathStyle: true, credentials: server.credentials }, async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
}

if (process.env.S3_ENDPOINT) {
  objectStoreContract(`S3 at ${process.env.S3_ENDPOINT}`, configuredServer);
} else if (findVersitygw(toolsDir) || goAvailable()) {
  objectStoreContract('S3 (versitygw on loopback)', localServer);
} else {
  log('not registered: S3_ENDPOINT is unset and there is neither a versitygw binary nor Go to build one');
}
