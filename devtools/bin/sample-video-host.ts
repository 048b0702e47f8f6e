// `npm run sample-video-host -- --bandwidth-bytes-per-second 1000000 --reset-after-bytes 5000000`: the
// sample video host on loopback, for local runs of the video ETL. `--help` lists every knob and its variable.
import { parseSampleVideoHostCli, sampleVideoHostUsage } from '../sample-video-host/cli-options';
import { mediaPath, startSampleVideoHost } from '../sample-video-host';
import { createLogger } from '../../src/infra/logger';
import { onShutdownSignal, runMain } from '../../src/bin/run-main';

runMain(async () => {
  const cli = parseSampleVideoHostCli(process.argv.slice(2), process.env);
  if (cli.help) {
    console.log(sampleVideoHostUsage());
    return;
  }
  const logger = createLogger('info', 'sample-video-host');
  const host = await startSampleVideoHost(cli.options);
  onShutdownSignal(async () => {
    await host.stop();
    logger.info('sample video host stopped');
  }, logger);
  const o = host.admin.options();
  logger.info(
    {
      url: host.url,
      try: [`${host.url}${mediaPath('lecture-01', 10 * 1024 * 1024)}`, `${host.url}/playlists/lecture-01.asx?variant=multi`],
      admin: [`${host.url}/admin/stats`, `${host.url}/admin/config`],
      options: o,
    },
    `sample video host listening on ${host.url}: latency ${o.latencyMs} ms, ` +
      `bandwidth ${o.bandwidthBytesPerSecond ? `${o.bandwidthBytesPerSecond} B/s per connection` : 'unlimited'}, ` +
      `reset ${o.resetAfterBytes === null ? 'off' : `after ${o.resetAfterBytes} B (${o.resetStyle})`}, per-name reset rules ${Object.keys(o.resetByName).length}, ` +
      `range ${o.rangeSupported ? (o.rangeFrom === 'asked' ? 'supported' : 'answered from byte 0') : 'ignored'}, hang ${o.hang}`,
  );
});
