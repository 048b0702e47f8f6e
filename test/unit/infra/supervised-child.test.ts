import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { isRunning, spawnSupervised } from '../../../src/infra/process/supervised-child';

async function gone(pid: number, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

describe('supervised child processes', () => {
  test('the command keeps the pid we hold, so SIGKILL reaches the command itself', async () => {
    const child = spawnSupervised(process.execPath, ['-e', 'console.log(process.pid); setInterval(() => {}, 1000)'], {});
    const [line] = (await once(child.process.stdout!, 'data')) as [Buffer];
    assert.equal(Number(line.toString().trim()), child.process.pid);
    child.process.kill('SIGKILL');
    await child.exited;
    assert.equal(child.process.signalCode, 'SIGKILL');
    assert.ok(await gone(child.process.pid!));
  });

  test('stop() ends the command with SIGTERM and reports its exit code', async () => {
    const child = spawnSupervised(process.execPath, ['-e', `process.on('SIGTERM', () => process.exit(7)); console.log('up'); setInterval(() => {}, 1000)`], {});
    await once(child.process.stdout!, 'data');
    await child.stop();
    assert.equal(await child.exited, 7);
  });

  test('the command does not outlive a parent killed with SIGKILL', async () => {
    // A parent process that supervises a long sleep, prints the sleeper's pid, then is killed outright.
    const script = `
      const { spawnSupervised } = require(${JSON.stringify(require.resolve('../../../src/infra/process/supervised-child'))});
      const child = spawnSupervised('sleep', ['600'], {});
      console.log(child.process.pid);
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(parent.stdout!, 'data')) as [Buffer];
    const sleeper = Number(line.toString().trim());
    assert.ok(isRunning(sleeper));
    parent.kill('SIGKILL');
    await once(parent, 'exit');
    assert.ok(await gone(sleeper), `the supervised sleep (pid ${sleeper}) was left running`);
  });
});
