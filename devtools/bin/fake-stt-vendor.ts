// `npm run fake-stt-vendor -- --max-concurrent-jobs 3 --random-429-rate 0.1`: the fake vendor (RTZR and
// OpenAI-compatible) on loopback, for local runs against the real clients. `--help` lists every knob and its variable.
import { fakeSttVendorUsage, parseFakeSttVendorCli } from '../fake-stt-vendor/cli-options';
import { startFakeSttVendor } from '../fake-stt-vendor';
import { createLogger } from '../../src/infra/logger';
import { onShutdownSignal, runMain } from '../../src/bin/run-main';

runMain(async () => {
  const cli = parseFakeSttVendorCli(process.argv.slice(2), process.env);
  if (cli.help) {
    console.log(fakeSttVendorUsage());
    return;
  }
  const logger = createLogger('info', 'fake-stt-vendor');
  const vendor = await startFakeSttVendor(cli.options);
  onShutdownSignal(async () => {
    await vendor.stop();
    logger.info('fake STT vendor stopped');
  }, logger);
  const o = vendor.admin.options();
  logger.info(
    { url: vendor.url, openAiBaseUrl: `${vendor.url}/v1`, admin: [`${vendor.url}/admin/stats`, `${vendor.url}/admin/config`], options: o },
    `fake STT vendor listening on ${vendor.url}: ${o.maxConcurrentJobs || 'unlimited'} concurrent jobs, ${o.processingMs} ms per job, ` +
      `min poll gap ${o.minPollIntervalMs} ms, random 429 ${o.random429Rate}, random 500 ${o.random500Rate}, failures ${o.failureRate}, hang ${o.hang}`,
  );
});
