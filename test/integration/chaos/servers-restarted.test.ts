import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startSampleVideoHost, type SampleVideoHost } from '../../../devtools/sample-video-host';
import { createObjectStore, type ObjectStore } from '../../../src/infra/storage';
import { CHAOS_VENDOR, chaosEnv, startOwnServers, type OwnServers } from '../../support/chaos';
import { CHAOS_HOST, startWorkloads } from '../../support/chaos-workloads';
import { startTestStack, testConfig, type TestStack } from '../../support/stack';
import { startFakeSttVendor, type FakeVendor } from '../../support/stt';

// Every pipeline at once (a 20-site portfolio, 20 transcriptions, a 50-video ETL job with 20 MB
// files, a moderation batch) while the servers under the workers die: a Temporal dev server and an
// embedded PostgreSQL of this file's own, so nothing else in the run is disturbed.
describe('every pipeline survives its servers dying', { timeout: 10 * 60_000 }, () => {
  let servers: OwnServers;
  let vendor: FakeVendor;
  let host: SampleVideoHost;
  let stack: TestStack;
  let store: ObjectStore;
  const figures: string[] = [];

  before(async () => {
    [vendor, host] = await Promise.all([startFakeSttVendor(CHAOS_VENDOR), startSampleVideoHost(CHAOS_HOST)]);
    servers = await startOwnServers(chaosEnv(vendor));
    const config = testConfig({ ...chaosEnv(vendor), TEMPORAL_ADDRESS: servers.temporalAddress, DATABASE_URL: servers.databaseUrl });
    stack = await startTestStack({ config });
    store = createObjectStore(config.storage);
  });

  after(async () => {
    for (const line of figures) console.log(`[chaos figures] ${line}`);
    await stack?.stop();
    await Promise.allSettled([servers?.stop(), vendor?.stop(), host?.stop()]);
    if (stack) rmSync(stack.config.storage.rootDir, { recursive: true, force: true });
  });

  test('the Temporal server SIGKILLed mid-run and started again on the same data and port: every run completes', async () => {
    const work = await startWorkloads(() => stack, host, vendor, `temporal-${Date.now()}`);
    const at = await work.underWay();
    const killedAt = Date.now();
    const { downSeconds } = await servers.killTemporal();
    work.assertMidRun(at);
    const times = await work.completes(stack.pool, store);
    figures.push(`Temporal SIGKILLed at ${JSON.stringify(at)}, serving again after ${downSeconds.toFixed(1)} s, all complete ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill (${times})`);
  });

  test('PostgreSQL shut down immediately mid-run and started again: activities retry and every run completes', async () => {
    const work = await startWorkloads(() => stack, host, vendor, `postgres-${Date.now()}`);
    const at = await work.underWay();
    const killedAt = Date.now();
    const { downSeconds } = await servers.restartPostgres();
    work.assertMidRun(at);
    const times = await work.completes(stack.pool, store);
    figures.push(`PostgreSQL stopped (immediate) at ${JSON.stringify(at)}, serving again after ${downSeconds.toFixed(1)} s, all complete ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the stop (${times})`);
  });
});
