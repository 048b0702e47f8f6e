import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LocalObjectStore } from '../../../../src/infra/storage';

// LocalObjectStore hashes partial uploads while writing them; completing must still report the
// digest of the bytes the file holds, whoever wrote them and however the upload was resumed.

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

let root: string;
before(async () => {
  root = await fsp.mkdtemp(path.join(os.tmpdir(), 'dp-partial-hash-'));
});
after(async () => {
  await fsp.rm(root, { recursive: true, force: true });
});

describe('hashing partial uploads as they are written', () => {
  test('a resume by another store instance (a new process) hashes the prefix it finds', async () => {
    await new LocalObjectStore(root).appendPartial('h/resumed', chunks('first half, '), { offset: 0 });
    const fresh = new LocalObjectStore(root);
    await fresh.appendPartial('h/resumed', chunks('second half'), { offset: 12 });
    assert.equal((await fresh.completePartial('h/resumed')).sha256, sha256('first half, second half'));
  });

  test('a resume from behind the end (the last heartbeat) rewrites the tail and hashes what the file holds', async () => {
    const store = new LocalObjectStore(root);
    await store.appendPartial('h/rewound', chunks('0123456789'), { offset: 0 });
    await store.appendPartial('h/rewound', chunks('ABCDEF'), { offset: 4 });
    assert.deepEqual(await store.completePartial('h/rewound'), { key: 'h/rewound', size: 10, sha256: sha256('0123ABCDEF') });
  });

  test('a partial changed behind the store after its last write is read again, not trusted', async () => {
    const store = new LocalObjectStore(root);
    await store.appendPartial('h/grown', chunks('written by us'), { offset: 0 });
    await fsp.appendFile(path.join(root, 'h', 'grown.partial'), ' and someone else');
    assert.equal((await store.completePartial('h/grown')).sha256, sha256('written by us and someone else'));

    await store.appendPartial('h/rewritten', chunks('same size A'), { offset: 0 });
    const file = path.join(root, 'h', 'rewritten.partial');
    await fsp.writeFile(file, 'same size B');
    await fsp.utimes(file, new Date(2000, 0, 1), new Date(2000, 0, 1));
    assert.equal((await store.completePartial('h/rewritten')).sha256, sha256('same size B'));
  });

  test('a discarded partial leaves nothing behind to reuse', async () => {
    const store = new LocalObjectStore(root);
    await store.appendPartial('h/discarded', chunks('old bytes'), { offset: 0 });
    await store.discardPartial('h/discarded');
    await store.appendPartial('h/discarded', chunks('new'), { offset: 0 });
    assert.equal((await store.completePartial('h/discarded')).sha256, sha256('new'));
  });
});
