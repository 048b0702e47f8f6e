import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Frontier, initialState } from '../../../../src/workflows/feedback/crawl-frontier';

const SEEDS = ['http://a.example/', 'http://b.example:8080/start'];

describe('the crawl frontier', () => {
  test('one queue per origin, each URL once, links only on the seeds hosts', () => {
    const f = new Frontier(initialState(), { maxPages: 100, seedUrls: SEEDS });
    for (const url of SEEDS) f.add({ url, hops: 0 });
    const started = f.addLinks(['http://a.example/x', 'http://a.example/', 'http://c.example/y', 'http://b.example:8080/z', 'http://b.example/other-port', 'http://a.example/x']);
    assert.deepEqual(started, ['http://a.example', 'http://b.example:8080']);
    assert.deepEqual(f.origins(), ['http://a.example', 'http://b.example:8080']);
    assert.deepEqual([f.next('http://a.example'), f.next('http://a.example'), f.next('http://a.example')], [{ url: 'http://a.example/', hops: 0 }, { url: 'http://a.example/x', hops: 0 }, undefined]);
    assert.equal(f.hasWork('http://b.example:8080'), true);
  });

  test('a redirect target is taken wherever it points; the page budget stops the frontier and says so', () => {
    const f = new Frontier(initialState(), { maxPages: 3, seedUrls: SEEDS });
    f.add({ url: 'http://a.example/', hops: 0 });
    assert.equal(f.add({ url: 'http://169.254.169.254/latest/', hops: 1 }), 'http://169.254.169.254');
    assert.deepEqual(f.addLinks(['http://a.example/1', 'http://a.example/2']), ['http://a.example']);
    assert.equal(f.pageLimitReached, true);
    assert.equal(f.seenUrls().length, 3);
  });

  test('what continue-as-new carries rebuilds the same frontier', () => {
    const f = new Frontier(initialState(), { maxPages: 10, seedUrls: SEEDS });
    f.add({ url: 'http://a.example/', hops: 0 });
    f.addLinks(['http://a.example/1', 'http://b.example:8080/2']);
    f.next('http://a.example');
    const carried = { ...initialState(), pending: f.pending(), seen: f.seenUrls() };
    const g = new Frontier(carried, { maxPages: 10, seedUrls: SEEDS });
    assert.deepEqual(g.pending(), f.pending());
    assert.equal(g.add({ url: 'http://a.example/', hops: 0 }), undefined, 'a URL handled before continue-as-new is not taken again');
  });
});
