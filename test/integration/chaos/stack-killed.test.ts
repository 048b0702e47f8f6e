import { after, before, describe, test } from 'node:test';
import { startSampleVideoHost, type SampleVideoHost } from '../../../devtools/sample-video-host';
import { loadConfig } from '../../../src/config';
import { createPool } from '../../../src/infra/db/pool';
import { createObjectStore } from '../../../src/infra/storage';
import { CHAOS_VENDOR, chaosEnv, localStack, type LocalStack } from '../../support/chaos';
import { CHAOS_HOST, startWorkloads } from '../../support/chaos-workloads';
import { startFakeSttVendor, type FakeVendor } from '../../support/stt';

// `npm start` as one process group (launcher, API, workers, Temporal dev server, embedded
// PostgreSQL) SIGKILLed with every pipeline mid-run, then started again on the same data directory.
// The fake vendor and the sample video host run in this process, so their counters outlive the kill.
describe('every pipeline survives the whole npm start stack being killed', { timeout: 10 * 60_000 }, () => {
  let vendor: FakeVendor;
  let host: SampleVideoHost;
  let stack: LocalStack;
  const figures: string[] = [];

  before(async () => {
    [vendor, host] = await Promise.all([startFakeSttVendor(CHAOS_VENDOR), startSampleVideoHost(CHAOS_HOST)]);
    stack = await localStack(chaosEnv(vendor));
    const { seconds } = await stack.start();
    figures.push(`npm start ready in ${seconds.toFixed(1)} s`);
  });

  after(async () => {
    for (const line of figures) console.log(`[chaos figures] ${line}`);
    await stack?.stop();
    await Promise.allSettled([vendor?.stop(), host?.stop()]);
  });

  test('SIGKILL to npm start’s process group mid-run, then npm start again: every run completes', async () => {
    const pool = createPool(loadConfig({ ...process.env, DATABASE_URL: stack.databaseUrl }), 'dp-chaos-check');
    const work = await startWorkloads(() => stack, host, vendor, `stack-${Date.now()}`);
    const at = await work.underWay();
    const killedAt = Date.now();
    await work.killBetweenSubmits(pool, () => stack.killGroup());
    work.assertMidRun(at);
    const { seconds } = await stack.start();
    let times: string;
    try {
      times = await work.completes(pool, createObjectStore({ kind: 'local', rootDir: stack.storageDir }));
    } finally {
      await pool.end();
    }
    figures.push(`stack SIGKILLed at ${JSON.stringify(at)}, npm start ready again in ${seconds.toFixed(1)} s, all complete ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill (${times})`);
  });
});
