import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { workerCommand } from '../../../devtools/local-stack/worker-child';
import { WORKER_ALLOCATOR_ENV, WORKER_NODE_FLAGS } from '../../../src/stack/worker-runtime';

// bench:etl measures workers started with these settings; every way the project starts a worker
// that moves files must use the same ones, or the figures describe a process nobody runs.
const ROOT = path.resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('worker runtime settings are the same everywhere a worker starts', () => {
  test('npm start runs each queue’s worker in a process started with them', () => {
    const { command, args, env } = workerCommand('etl', { DATABASE_URL: 'postgres://launcher-resolved/x' });
    assert.equal(command, process.execPath);
    assert.deepEqual(args.slice(0, WORKER_NODE_FLAGS.length), [...WORKER_NODE_FLAGS]);
    assert.ok(args.join(' ').includes('src/bin/worker.ts --queue etl'), args.join(' '));
    // What the launcher's own environment sets explicitly stays the user's choice.
    for (const [name, value] of Object.entries(WORKER_ALLOCATOR_ENV)) assert.equal(env[name], process.env[name] ?? value);
    assert.equal(env.DATABASE_URL, 'postgres://launcher-resolved/x');
  });

  test('the production image sets the allocator variables and the ETL worker gets the Node flags', () => {
    const dockerfile = read('Dockerfile');
    for (const [name, value] of Object.entries(WORKER_ALLOCATOR_ENV)) assert.match(dockerfile, new RegExp(`\\b${name}=${value}\\b`));
    const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, { command?: string[] }> };
    const command = compose.services['worker-etl'].command ?? [];
    assert.deepEqual(command.slice(0, 1 + WORKER_NODE_FLAGS.length), ['node', ...WORKER_NODE_FLAGS]);
  });
});
