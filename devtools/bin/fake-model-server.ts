// `npm run fake-model-server -- --max-concurrent-requests 8 --token-latency-ms 20`: the fake OpenAI-compatible
// model server on loopback. `--help` lists every knob and its variable.
import { fakeModelServerUsage, parseFakeModelServerCli } from '../fake-model-server/cli-options';
import { startFakeModelServer } from '../fake-model-server';
import { createLogger } from '../../src/infra/logger';
import { onShutdownSignal, runMain } from '../../src/bin/run-main';

runMain(async () => {
  const cli = parseFakeModelServerCli(process.argv.slice(2), process.env);
  if (cli.help) {
    console.log(fakeModelServerUsage());
    return;
  }
  const logger = createLogger('info', 'fake-model-server');
  const server = await startFakeModelServer(cli.options);
  onShutdownSignal(async () => {
    await server.stop();
    logger.info('fake model server stopped');
  }, logger);
  const o = server.admin.options();
  logger.info(
    { url: server.url, baseUrl: `${server.url}/v1`, admin: [`${server.url}/admin/stats`, `${server.url}/admin/config`], options: o },
    `fake model server listening on ${server.url}/v1: ${o.maxConcurrentRequests || 'unlimited'} concurrent requests, ${o.tokenLatencyMs} ms per token`,
  );
});
