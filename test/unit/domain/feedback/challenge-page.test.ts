import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { documentFingerprintText, parseChallengePage, resolveLink } from '../../../../src/domain/feedback/challenge-page';
import { inScope } from '../../../../src/domain/feedback/scope';

const PAGE = 'http://site.example/challenges/bike-to-work';

const challenge = (attrs: string, inner: string) => `<html><body><article class="challenge" ${attrs}>${inner}</article></body></html>`;

describe('parseChallengePage: the challenge document', () => {
  const cases: Array<[string, string, unknown]> = [
    [
      'every field, whitespace squashed, entities decoded',
      challenge(
        'data-challenge-id="bike-to-work" data-category="Transport"',
        `<h1 class="challenge-title">  Bike
           to work </h1><p class="challenge-summary">Cycle &amp; save</p>
         <ul class="challenge-criteria"><li> Shows the <b>bike</b> </li><li></li><li>States &lt;km&gt;</li></ul>`,
      ),
      { challengeId: 'bike-to-work', title: 'Bike to work', summary: 'Cycle & save', criteria: ['Shows the bike', 'States <km>'], category: 'transport' },
    ],
    [
      'id from the URL, category from its element, no summary or criteria',
      challenge('', '<h1 class="challenge-title">Bike</h1><p class="challenge-category"> Transport </p>'),
      { challengeId: 'bike-to-work', title: 'Bike', summary: '', criteria: [], category: 'transport' },
    ],
    ['no category at all', challenge('data-challenge-id="x1"', '<h1 class="challenge-title">T</h1>'), { challengeId: 'x1', title: 'T', summary: '', criteria: [], category: null }],
  ];
  for (const [name, html, expected] of cases) {
    test(name, () => assert.deepEqual(parseChallengePage(html, PAGE).challenge, expected));
  }

  const problems: Array<[string, string, RegExp]> = [
    ['no title', challenge('data-challenge-id="a"', '<p class="challenge-summary">s</p>'), /has no \.challenge-title/],
    ['an id that is not a slug', challenge('data-challenge-id="Bike To Work"', '<h1 class="challenge-title">T</h1>'), /is not a slug/],
    ['a title too long', challenge('data-challenge-id="a"', `<h1 class="challenge-title">${'x'.repeat(301)}</h1>`), /longer than 300/],
  ];
  for (const [name, html, reason] of problems) {
    test(`refused: ${name}`, () => {
      const parsed = parseChallengePage(html, PAGE);
      assert.equal(parsed.challenge, undefined);
      assert.match(parsed.problem ?? '', reason);
    });
  }

  test('a page without a challenge article gives links only', () => {
    assert.deepEqual(parseChallengePage('<h1 class="challenge-title">Not in an article</h1><a href="/x">x</a>', PAGE), { links: ['http://site.example/x'] });
  });

  test('the fingerprint follows the document, not the markup around it', () => {
    const a = parseChallengePage(challenge('data-challenge-id="a"', '<h1 class="challenge-title">T</h1>'), PAGE).challenge!;
    const b = parseChallengePage(`<div>banner</div>${challenge('data-challenge-id="a"', '<h1 class="challenge-title"> T </h1>')}`, PAGE).challenge!;
    assert.equal(documentFingerprintText(a), documentFingerprintText(b));
    assert.notEqual(documentFingerprintText(a), documentFingerprintText({ ...a, criteria: ['new'] }));
  });
});

describe('links', () => {
  test('resolved against the page, fragments dropped, once each, nofollow and non-http left out', () => {
    const html = `
      <a href="/challenges/a">a</a> <a href="b?x=1#top">b</a> <a href="/challenges/a#criteria">a again</a>
      <a href="https://other.example/p">other</a> <a href="mailto:x@y.z">mail</a> <a href="javascript:void(0)">js</a>
      <a href="/admin" rel="nofollow noopener">admin</a> <a href="#">self</a> <a>no href</a> <a href="http://[bad">bad</a>`;
    assert.deepEqual(parseChallengePage(html, 'http://site.example/challenges/').links, [
      'http://site.example/challenges/a',
      'http://site.example/challenges/b?x=1',
      'https://other.example/p',
    ]);
  });

  const resolved: Array<[string, string, string | undefined]> = [
    ['../up', 'http://h.example/a/b/c', 'http://h.example/a/up'],
    ['//cdn.example/x', 'https://h.example/', 'https://cdn.example/x'],
    ['  /spaced  ', 'http://h.example/', 'http://h.example/spaced'],
    ['ftp://h.example/f', 'http://h.example/', undefined],
  ];
  for (const [href, page, expected] of resolved) test(`resolveLink(${href})`, () => assert.equal(resolveLink(href, page), expected));

  const scope: Array<[string, boolean]> = [
    ['http://site.example/any/page', true],
    ['http://site.example:8080/other-port', false],
    ['https://site.example/other-scheme-same-host', true],
    ['http://sub.site.example/', false],
  ];
  for (const [url, expected] of scope) test(`inScope(${url})`, () => assert.equal(inScope(url, ['http://site.example/']), expected));
});
