import type { Config } from '../../src/config';
import { canonicalHost, formatAllowEntry, portOf } from '../../src/infra/http/allowlist';
import type { Logger } from '../../src/infra/logger';
import { startFakeModelServer } from '../fake-model-server';
import { startFakeSttVendor } from '../fake-stt-vendor';
import { startSampleChallengeSite } from '../sample-challenge-site';
import { startSampleVideoHost } from '../sample-video-host';

/**
 * Stand-ins for third parties a pipeline talks to, started by `npm start` so every pipeline works
 * on a laptop. Production never runs these. A new pipeline that calls an outside service adds its
 * stand-in here (docs/adding-a-pipeline.md).
 */
export interface DevService {
  /** Shown in the launcher's banner. */
  label: string;
  /** Whether the configuration leaves this service to us. */
  wanted(config: Config): boolean;
  start(config: Config, logger: Logger): Promise<StartedDevService>;
}

export interface StartedDevService {
  /** The configuration pointed at the running service. */
  config: Config;
  /** What to try first, for the banner. */
  hint: string;
  /** The same change as environment variables, for processes started apart (`npm run start:cluster`). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** The fetch settings with one more endpoint allowed: a stand-in's own host and port, nothing else on loopback. */
function allowing(config: Config, url: URL): Config['fetch'] {
  return { ...config.fetch, allowEndpoints: [...config.fetch.allowEndpoints, { host: canonicalHost(url.hostname), port: portOf(url) }] };
}

export const DEV_SERVICES: readonly DevService[] = [
  {
    label: 'STT vendor',
    wanted: (config) => !config.pipelines.stt.provider.baseUrl,
    async start(config, logger) {
      // No real vendor configured: the fake one (both protocols, real HTTP) stands in.
      const vendor = await startFakeSttVendor({ port: config.pipelines.stt.fakeVendorPort });
      logger.info({ url: vendor.url }, 'fake speech-to-text vendor started');
      const stt = config.pipelines.stt;
      // RTZR paths start at the root (/v1/transcribe); an OpenAI base URL includes /v1.
      const baseUrl = stt.provider.name === 'openai' ? `${vendor.url}/v1` : vendor.url;
      const pipelines = { ...config.pipelines, stt: { ...stt, provider: { ...stt.provider, baseUrl } } };
      // The stand-ins are the only loopback endpoints user URLs may reach under `npm start`: its port joins the allowlist.
      const fetch = allowing(config, new URL(vendor.url));
      const env: Record<string, string> = { [stt.provider.baseUrlVariable]: baseUrl, FETCH_ALLOW_HOSTS: fetch.allowEndpoints.map(formatAllowEntry).join(',') };
      return { config: { ...config, pipelines, fetch }, env, hint: `${baseUrl} (fake ${stt.provider.name} vendor, dev tool)`, stop: vendor.stop };
    },
  },
  {
    label: 'Model server',
    wanted: (config) => !config.pipelines.feedback.model.baseUrl,
    async start(config, logger) {
      // No model server configured: the fake OpenAI-compatible one (deterministic feedback, streamed) stands in.
      const server = await startFakeModelServer({ port: config.pipelines.feedback.model.fakeServerPort, tokenLatencyMs: 20 });
      logger.info({ url: server.url }, 'fake model server started');
      const baseUrl = `${server.url}/v1`;
      const feedback = config.pipelines.feedback;
      const pipelines = { ...config.pipelines, feedback: { ...feedback, model: { ...feedback.model, baseUrl } } };
      return { config: { ...config, pipelines }, env: { LLM_BASE_URL: baseUrl }, hint: `${baseUrl} (fake model server, dev tool; knobs at ${server.url}/admin/config)`, stop: server.stop };
    },
  },
  {
    label: 'Sample videos',
    wanted: () => true,
    async start(config, logger) {
      // For trying the ETL locally; its port, and only that, joins the fetch allowlist.
      const videos = await startSampleVideoHost({ port: config.pipelines.etl.sampleHostPort });
      logger.info({ url: videos.url }, 'sample video host started');
      const fetch = allowing(config, new URL(videos.url));
      return { config: { ...config, fetch }, env: { FETCH_ALLOW_HOSTS: fetch.allowEndpoints.map(formatAllowEntry).join(',') }, hint: `${videos.url}/media/demo.mp4?size=1000000 (dev tool; .asx at /playlists/…)`, stop: videos.stop };
    },
  },
  {
    label: 'Challenge site',
    wanted: (config) => config.pipelines.feedback.crawler.tuning.seedUrls.length === 0,
    async start(config, logger) {
      // No seeds configured: the crawler crawls the sample site, whose port (and only that) joins the fetch allowlist.
      const site = await startSampleChallengeSite({ port: config.pipelines.feedback.crawler.sampleSitePort });
      logger.info({ url: site.url }, 'sample challenge site started');
      const fetch = allowing(config, new URL(site.url));
      const feedback = config.pipelines.feedback;
      const crawler = { ...feedback.crawler, tuning: { ...feedback.crawler.tuning, seedUrls: [`${site.url}/`] } };
      const pipelines = { ...config.pipelines, feedback: { ...feedback, crawler } };
      const env = { CRAWLER_SEED_URLS: `${site.url}/`, FETCH_ALLOW_HOSTS: fetch.allowEndpoints.map(formatAllowEntry).join(',') };
      return { config: { ...config, pipelines, fetch }, env, hint: `${site.url}/ (dev tool; crawled at first start and on POST /api/crawls)`, stop: site.stop };
    },
  },
];
