// `npm run sample-challenge-site -- --port 4030 --slow-ms 3000`: the sample challenge site on
// loopback, for local runs of the challenge crawler. `--help` lists the flags and variables.
import { parseKnobs, knobUsageLines, type KnobSpec } from '../shared/cli-knobs';
import { DEFAULT_SLOW_MS, startSampleChallengeSite } from '../sample-challenge-site';
import { createLogger } from '../../src/infra/logger';
import { onShutdownSignal, runMain } from '../../src/bin/run-main';

const SPEC: KnobSpec = { envPrefix: 'SAMPLE_CHALLENGE_SITE', kinds: { host: 'string', port: 'number', slowMs: 'number', idPrefix: 'string' } };
const DEFAULT_PORT = 4030;

runMain(async () => {
  const { help, values } = parseKnobs(process.argv.slice(2), process.env, SPEC);
  if (help) {
    console.log(['Sample challenge site: eco-challenge pages, robots.txt, redirects, slow and failing pages on loopback HTTP.', 'Usage: npm run sample-challenge-site -- [--flag value]...', '', ...knobUsageLines(SPEC, { host: '127.0.0.1', port: DEFAULT_PORT, slowMs: DEFAULT_SLOW_MS, idPrefix: '' })].join('\n'));
    return;
  }
  const logger = createLogger('info', 'sample-challenge-site');
  const site = await startSampleChallengeSite({ port: DEFAULT_PORT, ...(values as { host?: string; port?: number; slowMs?: number; idPrefix?: string }) });
  onShutdownSignal(async () => {
    await site.stop();
    logger.info('sample challenge site stopped');
  }, logger);
  logger.info({ url: site.url, crawl: `CRAWLER_SEED_URLS=${site.url}/`, admin: [`${site.url}/admin/stats`, `${site.url}/admin/challenges/<id>`] }, `sample challenge site listening on ${site.url}`);
});
