import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findFreePort } from '../../../src/infra/net';

test('findFreePort never hands out the same port twice in a process, though each is released before the next search', async () => {
  const ports: number[] = [];
  for (let i = 0; i < 300; i++) ports.push(await findFreePort());
  assert.equal(new Set(ports).size, ports.length);
});
