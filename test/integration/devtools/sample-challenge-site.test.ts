import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSampleChallengeSite, type SampleChallengeSite, type SiteStats } from '../../../devtools/sample-challenge-site';

describe('the sample challenge site', () => {
  let site: SampleChallengeSite;
  before(async () => {
    site = await startSampleChallengeSite({ slowMs: 10 });
  });
  after(() => site.stop());

  test('challenge pages carry ETag and Last-Modified; matching validators get a 304; a change moves only that page', async () => {
    const first = await fetch(`${site.url}/challenges/bike-to-work`);
    assert.equal(first.status, 200);
    assert.match(await first.text(), /<article class="challenge" data-challenge-id="bike-to-work"/);
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    assert.equal((await fetch(`${site.url}/challenges/bike-to-work`, { headers: { 'if-none-match': etag } })).status, 304);
    assert.equal((await fetch(`${site.url}/challenges/bike-to-work`, { headers: { 'if-modified-since': lastModified } })).status, 304);
    const other = await fetch(`${site.url}/challenges/meatless-monday`);
    const otherEtag = other.headers.get('etag')!;

    const changed = await fetch(`${site.url}/admin/challenges/bike-to-work`, { method: 'POST', body: JSON.stringify({ summary: 'Changed.' }) });
    assert.equal(changed.status, 200);
    const after = await fetch(`${site.url}/challenges/bike-to-work`, { headers: { 'if-none-match': etag, 'if-modified-since': lastModified } });
    assert.equal(after.status, 200);
    assert.match(await after.text(), /Changed\./);
    assert.notEqual(after.headers.get('etag'), etag);
    assert.ok(Date.parse(after.headers.get('last-modified')!) > Date.parse(lastModified));
    assert.equal((await fetch(`${site.url}/challenges/meatless-monday`, { headers: { 'if-none-match': otherEtag } })).status, 304);
    assert.equal((await fetch(`${site.url}/admin/challenges/bike-to-work`, { method: 'POST', body: '{"colour": "green"}' })).status, 400);
  });

  test('robots.txt, the redirect chain, failing pages, and request counts by path', async () => {
    site.admin.resetStats();
    assert.match(await (await fetch(`${site.url}/robots.txt`)).text(), /Disallow: \/private\//);
    const old = await fetch(`${site.url}/old/repair-cafe`, { redirect: 'manual' });
    assert.deepEqual([old.status, old.headers.get('location')], [301, '/moved/repair-cafe']);
    const moved = await fetch(`${site.url}/moved/repair-cafe`, { redirect: 'manual' });
    assert.deepEqual([moved.status, moved.headers.get('location')], [302, '/challenges/repair-cafe']);
    assert.equal((await fetch(`${site.url}/broken/500`)).status, 500);
    await assert.rejects(fetch(`${site.url}/broken/reset`));
    assert.equal((await fetch(`${site.url}/slow/cold-wash`)).status, 200);
    const stats = (await (await fetch(`${site.url}/admin/stats`)).json()) as SiteStats;
    assert.deepEqual(stats.requests, { '/robots.txt': 1, '/old/repair-cafe': 1, '/moved/repair-cafe': 1, '/broken/500': 1, '/broken/reset': 1, '/slow/cold-wash': 1 });
    assert.deepEqual(stats.statuses['/old/repair-cafe'], { 301: 1 });
    assert.equal(stats.statuses['/broken/reset'], undefined, 'a reset sends no status');
  });
});
