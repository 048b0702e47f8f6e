import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { findFreePort } from '../../src/infra/net';
import { waitUntil } from '../support/stack';
import { PIPELINE_NAMES } from '../../src/pipelines';

// `npm start` as a newcomer runs it: no TEMPORAL_ADDRESS, no DATABASE_URL. The launcher must
// start the Temporal dev server and an embedded PostgreSQL, serve the API, and leave nothing
// behind when stopped.
const ROOT = path.resolve(__dirname, '..', '..');

interface Launch {
  child: ChildProcess;
  output: () => string;
}

function launch(env: Record<string, string | undefined>): Launch {
  const clean = { ...process.env, TEMPORAL_ADDRESS: undefined, DATABASE_URL: undefined, WORKFLOW_BUNDLE_PATH: undefined, ...env };
  const child = spawn(process.execPath, ['--import', 'tsx', 'devtools/local-stack/start.ts'], { cwd: ROOT, env: clean, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  return { child, output: () => out };
}

const processesUsing = (dir: string) =>
  spawnSync('pgrep', ['-f', dir], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean);

async function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = await once(child, 'exit');
  return code as number | null;
}

// Four starts, each allowed 180 s for its banner (upAndReady) on a loaded machine.
describe('npm start launcher', { timeout: 4 * 240_000 }, () => {
  let dataDir: string;
  let env: Record<string, string>;
  before(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'dp-launcher-'));
    env = {
      DATA_DIR: dataDir,
      TEMPORAL_PORT: String(await findFreePort()),
      TEMPORAL_UI_PORT: String(await findFreePort()),
      EMBEDDED_PG_PORT: String(await findFreePort()),
      API_PORT: String(await findFreePort()),
      FAKE_STT_VENDOR_PORT: String(await findFreePort()),
      SAMPLE_VIDEO_HOST_PORT: String(await findFreePort()),
      LOG_LEVEL: 'warn',
    };
  });
  after(() => {
    for (const pid of processesUsing(dataDir)) spawnSync('kill', ['-9', pid]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function upAndReady(): Promise<{ run: Launch; seconds: number }> {
    const started = Date.now();
    const run = launch(env);
    await waitUntil(
      'the launcher to print its summary',
      async () => {
        if (run.child.exitCode !== null) throw new Error(`launcher exited early:\n${run.output()}`);
        return run.output().includes('durable-pipelines is up');
      },
      180_000,
    );
    const ready = await fetch(`http://127.0.0.1:${env.API_PORT}/readyz`);
    assert.equal(ready.status, 200);
    const ui = await fetch(`http://localhost:${env.TEMPORAL_UI_PORT}/`);
    assert.equal(ui.status, 200);
    return { run, seconds: (Date.now() - started) / 1000 };
  }

  const api = () => `http://127.0.0.1:${env.API_PORT}`;
  async function systemCheck(): Promise<{ queues: Array<{ attempts: number }> } | undefined> {
    const res = await fetch(`${api()}/api/system-checks/check-launcher`);
    return res.status === 200 ? ((await res.json()) as { queues: Array<{ attempts: number }> }) : undefined;
  }

  test('first start brings everything up; Ctrl-C stops everything it started', async () => {
    const { run, seconds } = await upAndReady();
    console.log(`first start: ${seconds.toFixed(1)} s`);
    try {
      assert.match(run.output(), new RegExp(`API +http://127\\.0\\.0\\.1:${env.API_PORT}`));
      assert.match(run.output(), new RegExp(`Temporal UI +http://localhost:${env.TEMPORAL_UI_PORT}`));
      // Something for the second start to find: rows in PostgreSQL and histories in Temporal's file.
      const started = await fetch(`${api()}/api/system-checks`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'launcher' }, body: '{}' });
      assert.equal(started.status, 202);
      await waitUntil('the system check to finish', async () => (await systemCheck())?.queues.length === PIPELINE_NAMES.length, 120_000);
      // Every queue's row is written a workflow task before the run itself completes.
      await waitUntil('the system check run to complete', async () => ((await (await fetch(`${api()}/api/runs/check-launcher-system-check`)).json()) as { status: string }).status === 'COMPLETED', 60_000);
    } finally {
      run.child.kill('SIGINT');
    }
    assert.equal(await exitOf(run.child), 0);
    assert.deepEqual(processesUsing(dataDir), []);
  });

  test('a second start keeps its data', async () => {
    const { run, seconds } = await upAndReady();
    // Reported, not asserted: how fast depends on what else the machine runs.
    console.log(`second start: ${seconds.toFixed(1)} s`);
    try {
      const check = await systemCheck();
      assert.ok(check && check.queues.length === PIPELINE_NAMES.length && check.queues.every((q) => q.attempts === 1), JSON.stringify(check));
      const runView = (await (await fetch(`${api()}/api/runs/check-launcher-system-check`)).json()) as { status: string };
      assert.equal(runView.status, 'COMPLETED');
    } finally {
      run.child.kill('SIGTERM');
    }
    assert.equal(await exitOf(run.child), 0);
    assert.deepEqual(processesUsing(dataDir), []);
  });

  test('a worker process killed under npm start is started again and its queue served', async () => {
    const { run } = await upAndReady();
    try {
      const etl = /^ +etl +process (\d+)/m.exec(run.output());
      assert.ok(etl, run.output());
      process.kill(Number(etl[1]), 'SIGKILL');
      await waitUntil('the launcher to start it again', async () => run.output().includes('the etl worker process exited (signal SIGKILL); starting it again'), 30_000);
      const started = await fetch(`${api()}/api/system-checks`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'launcher-restart' }, body: '{}' });
      assert.equal(started.status, 202);
      await waitUntil(
        'the system check to pass on every queue, etl included',
        async () => {
          const res = await fetch(`${api()}/api/system-checks/check-launcher-restart`);
          return res.status === 200 && ((await res.json()) as { queues: unknown[] }).queues.length === PIPELINE_NAMES.length;
        },
        120_000,
      );
    } finally {
      run.child.kill('SIGINT');
    }
    assert.equal(await exitOf(run.child), 0);
    assert.deepEqual(processesUsing(dataDir), []);
  });

  test('after a SIGKILL, Temporal and PostgreSQL die with the launcher and the next start recovers', async () => {
    const { run } = await upAndReady();
    run.child.kill('SIGKILL');
    await exitOf(run.child);
    await waitUntil('the servers to exit', async () => processesUsing(dataDir).length === 0, 20_000);
    const again = await upAndReady();
    again.run.child.kill('SIGINT');
    assert.equal(await exitOf(again.run.child), 0);
    assert.deepEqual(processesUsing(dataDir), []);
  });
});

describe('bad configuration fails fast with one line naming the setting', () => {
  async function failure(env: Record<string, string>): Promise<string> {
    const run = launch({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'dp-badcfg-')), LOG_LEVEL: 'warn', ...env });
    assert.equal(await exitOf(run.child), 1);
    const lines = run.output().trim().split('\n');
    assert.equal(lines.length, 1, JSON.stringify(run.output()));
    return lines[0];
  }

  test('malformed DATABASE_URL', async () => {
    assert.match(await failure({ DATABASE_URL: 'localhost:5432' }), /^error: DATABASE_URL: /);
  });

  test('unreachable DATABASE_URL', async () => {
    const port = await findFreePort();
    assert.match(await failure({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/x`, TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS! }), /^error: DATABASE_URL: cannot connect/);
  });

  test('unreachable TEMPORAL_ADDRESS', async () => {
    const port = await findFreePort();
    assert.match(await failure({ DATABASE_URL: process.env.DATABASE_URL!, TEMPORAL_ADDRESS: `127.0.0.1:${port}` }), /^error: TEMPORAL_ADDRESS: cannot reach/);
  });

  test('API port in use', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const line = await failure({ DATABASE_URL: process.env.DATABASE_URL!, TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS!, API_PORT: String(port) });
      assert.equal(line, `error: API_PORT: port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });
});
