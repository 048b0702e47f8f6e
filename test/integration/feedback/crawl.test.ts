import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { METADATA_URL, startSampleChallengeSite, type SampleChallengeSite } from '../../../devtools/sample-challenge-site';
import { api, crawlEnv, pagesByPath, startCrawlStack, waitForCrawl } from '../../support/crawl';
import { waitUntil, type TestStack } from '../../support/stack';

/** Statuses the site sent for `path` during the stats window, e.g. { '304': 1 }. */
const statusesOf = (site: SampleChallengeSite, path: string) => site.admin.stats().statuses[path] ?? {};

describe('the challenge crawler against the sample site', () => {
  let site: SampleChallengeSite;
  let stack: TestStack;
  let ids: { listed: string[]; moved: string; slow: string; hidden: string };

  before(async () => {
    // Slower than the page deadline, so the slow page fails each attempt on the deadline.
    site = await startSampleChallengeSite({ slowMs: 8_000, idPrefix: 'crawl-t-' });
    const special = site.admin.special();
    ids = { listed: site.admin.challengeIds().filter((id) => id !== special.moved.id), moved: special.moved.id, slow: special.slow.id, hidden: special.hidden.id };
    // Two seeds the URL guard must refuse: link-local (cloud metadata) and private.
    stack = await startCrawlStack(crawlEnv([`${site.url}/`, 'http://169.254.169.254/latest/', 'http://10.1.2.3/challenges']));
  });

  after(async () => {
    await stack?.stop();
    await site?.stop();
  });

  test('a crawl stores the challenge documents; robots, redirects, slow, failing and refused pages are recorded', { timeout: 180_000 }, async () => {
    const started = await api(stack, 'POST', '/api/crawls');
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal(started.headers.get('location'), started.body.links.self);
    const crawl = await waitForCrawl(stack, started.body.id);
    const pages = pagesByPath(crawl, site.url);

    // Every challenge page the index links is stored, the moved one through its 301 → 302 chain.
    for (const id of [...ids.listed, ids.moved]) {
      const doc = await api(stack, 'GET', `/api/challenges/${id}`);
      assert.equal(doc.status, 200, id);
      assert.ok(doc.body.criteria.length >= 2, id);
      assert.equal(doc.body.sourceUrl, `${site.url}/challenges/${id}`);
    }
    const bike = (await api(stack, 'GET', '/api/challenges/crawl-t-bike-to-work')).body;
    assert.deepEqual([bike.title, bike.category, bike.criteria], ['Bike to work', 'transport', ['Shows the bike or the route', 'States the distance ridden', 'Estimates the CO2 saved']]);
    assert.deepEqual([pages[`/old/${ids.moved}`].status, pages[`/old/${ids.moved}`].httpStatus, pages[`/old/${ids.moved}`].redirectTo], ['REDIRECTED', 301, `${site.url}/moved/${ids.moved}`]);
    assert.deepEqual([pages[`/moved/${ids.moved}`].status, pages[`/moved/${ids.moved}`].httpStatus], ['REDIRECTED', 302]);
    assert.equal(pages[`/challenges/${ids.moved}`].status, 'FETCHED');

    // robots.txt: the disallowed page is recorded and was never requested.
    assert.equal(pages[`/private/${ids.hidden}`].status, 'DISALLOWED');
    assert.equal(site.admin.stats().requests[`/private/${ids.hidden}`], undefined);
    assert.equal((await api(stack, 'GET', `/api/challenges/${ids.hidden}`)).status, 404);
    assert.equal(site.admin.stats().requests['/robots.txt'], 1);
    assert.deepEqual(site.admin.stats().userAgents, [stack.config.pipelines.feedback.crawler.userAgent]);

    // Slow and failing pages fail with their reason; the rest of the crawl completed regardless.
    assert.equal(pages[`/slow/${ids.slow}`].status, 'FAILED');
    assert.match(pages[`/slow/${ids.slow}`].reason, /1500 ms fetch deadline/);
    assert.equal((await api(stack, 'GET', `/api/challenges/${ids.slow}`)).status, 404);
    assert.match(pages['/broken/500'].reason, /HTTP 500/);
    assert.equal(pages['/broken/reset'].status, 'FAILED');
    assert.ok(pages['/broken/reset'].reason.length > 0);
    assert.equal(site.admin.stats().requests['/broken/500'], 2, 'a 5xx is retried, up to CRAWLER_FETCH_ATTEMPTS');

    // The URL guard: a redirect to the metadata address is re-checked and refused, as are inward seeds.
    assert.equal(pages['/go/metadata'].redirectTo, METADATA_URL);
    assert.equal(pages[METADATA_URL].status, 'FAILED');
    assert.match(pages[METADATA_URL].reason, /169\.254\.169\.254 is refused: .*linkLocal/);
    assert.match(pages['http://169.254.169.254/latest/'].reason, /refused: .*linkLocal/);
    assert.match(pages['http://10.1.2.3/challenges'].reason, /refused: .*private/);

    // Off-site and nofollow links are not followed; a link with a fragment is the page itself.
    assert.ok(!crawl.pages.some((p: any) => p.url.startsWith('https://example.org')));
    assert.equal(site.admin.stats().requests['/admin/stats'], undefined);
    assert.equal(site.admin.stats().requests[`/challenges/${ids.listed[0]}`], 1);

    assert.deepEqual(crawl.counts, { total: 15, fetched: 5, skipped: 0, redirected: 3, disallowed: 1, failed: 6, documentsWritten: 4 });
    const listed = await api(stack, 'GET', '/api/crawls');
    assert.deepEqual(listed.body.crawls.find((c: any) => c.id === crawl.id)?.counts, crawl.counts);
  });

  test('a re-crawl asks conditionally and fetches only the page that changed', { timeout: 180_000 }, async () => {
    site.admin.resetStats();
    site.admin.updateChallenge('crawl-t-bike-to-work', { summary: 'Cycle to work every day for two weeks.' });
    const before = (await api(stack, 'GET', '/api/challenges/crawl-t-meatless-monday')).body;

    const started = await api(stack, 'POST', '/api/crawls');
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const overlapping = await api(stack, 'POST', '/api/crawls');
    assert.equal(overlapping.status, 409, 'a crawl already running makes the trigger a no-op');
    assert.equal(overlapping.body.crawlId, started.body.id);
    const crawl = await waitForCrawl(stack, started.body.id);

    assert.deepEqual(statusesOf(site, '/challenges/crawl-t-bike-to-work'), { 200: 1 });
    for (const path of ['/', ...ids.listed.filter((id) => id !== 'crawl-t-bike-to-work').map((id) => `/challenges/${id}`), `/challenges/${ids.moved}`]) {
      assert.deepEqual(statusesOf(site, path), { 304: 1 }, path);
    }
    assert.equal(site.admin.stats().requests[`/private/${ids.hidden}`], undefined);
    assert.equal(crawl.counts.fetched, 1);
    // The index, the two other listed challenges and the moved one (the redirects answer as before).
    assert.equal(crawl.counts.skipped, 4);
    assert.equal(crawl.counts.documentsWritten, 1);
    assert.equal(pagesByPath(crawl, site.url)['/challenges/crawl-t-bike-to-work'].documentWritten, true);

    const bike = (await api(stack, 'GET', '/api/challenges/crawl-t-bike-to-work')).body;
    assert.equal(bike.summary, 'Cycle to work every day for two weeks.');
    const after = (await api(stack, 'GET', '/api/challenges/crawl-t-meatless-monday')).body;
    assert.equal(after.updatedAt, before.updatedAt, 'an unchanged document is not rewritten');
  });

  test('requests to one host are spaced by durable timers between the page steps', async () => {
    const { body } = await api(stack, 'GET', '/api/crawls?limit=1');
    const history = await stack.temporal.workflow.getHandle(body.crawls[0].id).fetchHistory();
    const timers = (history.events ?? []).filter((e) => e.timerStartedEventAttributes);
    assert.ok(timers.length > 0, 'the crawl waited between requests to the site');
    // Each waits out what is left of CRAWLER_HOST_INTERVAL_MS (50 ms) since the host's last request.
    for (const timer of timers) {
      const timeout = timer.timerStartedEventAttributes!.startToFireTimeout!;
      assert.ok(Number(timeout.seconds ?? 0) === 0 && (timeout.nanos ?? 0) <= 50_000_000, JSON.stringify(timeout));
    }
  });

  test('POST /api/crawls takes no body; unknown crawls and challenges are 404', async () => {
    const withBody = await api(stack, 'POST', '/api/crawls', { seedUrls: ['http://169.254.169.254/'] });
    assert.equal(withBody.status, 400);
    assert.match(withBody.body.detail, /body/);
    assert.equal((await api(stack, 'GET', '/api/crawls/no-such-crawl')).status, 404);
    assert.equal((await api(stack, 'GET', '/api/challenges/no-such-challenge')).status, 404);
    assert.equal((await api(stack, 'GET', '/api/crawls?limit=0')).status, 400);
  });
  test('a POST retried with its Idempotency-Key gets the crawl it started, even while that crawl runs; a crawl says who started it', { timeout: 120_000 }, async () => {
    const key = { 'idempotency-key': `crawl-retry-${Date.now()}` };
    const [first, second] = await Promise.all([api(stack, 'POST', '/api/crawls', undefined, key), api(stack, 'POST', '/api/crawls', undefined, key)]);
    const [started, repeated] = first.status === 202 ? [first, second] : [second, first];
    assert.deepEqual([started.status, repeated.status], [202, 200], JSON.stringify([first.body, second.body]));
    assert.equal(repeated.body.id, started.body.id, 'one crawl for one key');
    assert.equal(repeated.headers.get('location'), started.headers.get('location'));
    assert.equal(started.body.trigger, 'api');
    const crawl = await waitForCrawl(stack, started.body.id);
    assert.equal(crawl.trigger, 'api');
    const later = await api(stack, 'POST', '/api/crawls', undefined, key);
    assert.deepEqual([later.status, later.body.id, later.body.status], [200, started.body.id, 'COMPLETED'], 'a key seen before never triggers again');
    const other = await api(stack, 'POST', '/api/crawls', undefined, { 'idempotency-key': 'bad key!' });
    assert.equal(other.status, 400);
    assert.match(other.body.detail, /idempotency-key/);
  });

  test('a crawl cancelled from Temporal is recorded CANCELED, in the list and on its own page', { timeout: 120_000 }, async () => {
    const started = await api(stack, 'POST', '/api/crawls');
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const listedRow = async () => (await api(stack, 'GET', '/api/crawls')).body.crawls.find((c: any) => c.id === started.body.id);
    await waitUntil('the crawl to begin', async () => (await listedRow()) !== undefined, 30_000);
    await stack.temporal.workflow.getHandle(started.body.id).cancel();
    const canceled = await waitUntil('the crawl row to say CANCELED', async () => {
      const row = await listedRow();
      return row?.status === 'CANCELED' ? row : undefined;
    }, 60_000);
    assert.ok(canceled.finishedAt, 'a cancelled crawl has finished');
    assert.equal((await api(stack, 'GET', `/api/crawls/${started.body.id}`)).body.status, 'CANCELED');
  });
});
