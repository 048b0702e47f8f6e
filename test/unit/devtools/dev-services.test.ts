import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { DEV_SERVICES } from '../../../devtools/local-stack/dev-services';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/infra/logger';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('npm start opens exactly its stand-ins’ ports to user URLs, nothing else on loopback', async () => {
  const [vendorPort, videoPort, challengePort] = [await freePort(), await freePort(), await freePort()];
  let config = loadConfig({ FAKE_STT_VENDOR_PORT: String(vendorPort), SAMPLE_VIDEO_HOST_PORT: String(videoPort), SAMPLE_CHALLENGE_SITE_PORT: String(challengePort) });
  const logger = createLogger('silent', 'test');
  const stops: Array<() => Promise<void>> = [];
  let env: Record<string, string> = {};
  try {
    for (const service of DEV_SERVICES) {
      if (!service.wanted(config)) continue;
      const started = await service.start(config, logger);
      stops.push(started.stop);
      config = started.config;
      env = { ...env, ...started.env };
    }
  } finally {
    for (const stop of stops) await stop();
  }
  assert.deepEqual(config.fetch.allowEndpoints, [
    { host: '127.0.0.1', port: vendorPort },
    { host: '127.0.0.1', port: videoPort },
    { host: '127.0.0.1', port: challengePort },
  ]);
  assert.equal(env.FETCH_ALLOW_HOSTS, `127.0.0.1:${vendorPort},127.0.0.1:${videoPort},127.0.0.1:${challengePort}`);
  assert.deepEqual(loadConfig(env).fetch.allowEndpoints, config.fetch.allowEndpoints, 'the environment form reads back the same');
});
