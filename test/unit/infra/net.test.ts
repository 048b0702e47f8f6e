import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { findFreePort } from '../../../src/infra/net';

test('findFreePort never hands out the same port twice in a process, though each is released before the next search', async () => {
  const ports: number[] = [];
  for (let i = 0; i < 300; i++) ports.push(await findFreePort());
  assert.equal(new Set(ports).size, ports.length);
});

test('findFreePort hands out ports below the range outgoing connections take their local ports from, so none can be taken meanwhile by a connection', async () => {
  const ephemeralLow = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  const ports = await Promise.all(Array.from({ length: 50 }, () => findFreePort()));
  assert.ok(
    ports.every((p) => p >= 10_000 && p < ephemeralLow),
    `${ports.filter((p) => p < 10_000 || p >= ephemeralLow).join(', ')} lie outside 10000–${ephemeralLow - 1}`,
  );
});
