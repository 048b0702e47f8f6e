import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LocalObjectStore } from '../../../src/infra/storage';
import { objectStoreContract } from './object-store-contract';

objectStoreContract('local file system', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'dp-store-contract-'));
  return {
    store: new LocalObjectStore(root),
    another: () => new LocalObjectStore(root),
    largeBytes: 12 * 1024 * 1024,
    close: () => rm(root, { recursive: true, force: true }),
  };
});
