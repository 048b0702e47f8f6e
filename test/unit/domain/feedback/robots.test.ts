import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { robotsAllow, robotsCrawlDelayMs, robotsOutcomeForStatus, type RobotsRules } from '../../../../src/domain/feedback/robots';

const UA = 'durable-pipelines-crawler/0.1';
const rules = (body: string, outcome: RobotsRules['outcome'] = 'PARSED'): RobotsRules => ({ outcome, robotsUrl: 'http://site.example/robots.txt', body });

describe('robotsAllow', () => {
  const body = [
    'User-agent: *',
    'Disallow: /private/',
    'Disallow: /*.pdf$',
    'Allow: /private/open',
    '',
    'User-agent: durable-pipelines-crawler',
    'Disallow: /drafts',
    'Crawl-delay: 2.5',
    '',
    'User-agent: other-bot',
    'Disallow: /',
  ].join('\n');
  // Our own group applies, and only it: the `*` group's rules are not ours once a group names us.
  const cases: Array<[string, boolean]> = [
    ['http://site.example/', true],
    ['http://site.example/drafts', false],
    ['http://site.example/drafts/x', false],
    ['http://site.example/private/x', true],
    ['http://site.example/file.pdf', true],
    ['http://other.example/', false],
    ['http://site.example:8080/', false],
  ];
  for (const [url, allowed] of cases) test(`our group: ${url} → ${allowed}`, () => assert.equal(robotsAllow(rules(body), url, UA), allowed));

  const star: Array<[string, boolean]> = [
    ['http://site.example/private/x', false],
    ['http://site.example/private/open', true],
    ['http://site.example/file.pdf', false],
    ['http://site.example/file.pdf?x=1', true],
    ['http://site.example/drafts', true],
  ];
  for (const [url, allowed] of star) test(`the * group: ${url} → ${allowed}`, () => assert.equal(robotsAllow(rules(body), url, 'someone-else/1.0'), allowed));

  test('no robots.txt (4xx) allows everything; an unreadable one allows nothing', () => {
    assert.equal(robotsAllow(rules('', 'NONE'), 'http://site.example/private/x', UA), true);
    assert.equal(robotsAllow(rules('', 'UNAVAILABLE'), 'http://site.example/', UA), false);
  });

  test('an empty or comment-only file allows everything', () => {
    assert.equal(robotsAllow(rules(''), 'http://site.example/x', UA), true);
    assert.equal(robotsAllow(rules('# nothing here\n'), 'http://site.example/x', UA), true);
  });

  test('Crawl-delay in milliseconds, capped at a minute; none without rules', () => {
    assert.equal(robotsCrawlDelayMs(rules(body), UA), 2500);
    assert.equal(robotsCrawlDelayMs(rules('User-agent: *\nCrawl-delay: 3600\n'), UA), 60_000);
    assert.equal(robotsCrawlDelayMs(rules('User-agent: *\nDisallow: /x\n'), UA), 0);
    assert.equal(robotsCrawlDelayMs(rules('', 'NONE'), UA), 0);
  });
});

describe('robotsOutcomeForStatus (RFC 9309 §2.3.1)', () => {
  const cases: Array<[number, string]> = [[200, 'PARSED'], [204, 'PARSED'], [401, 'NONE'], [403, 'NONE'], [404, 'NONE'], [429, 'UNAVAILABLE'], [500, 'UNAVAILABLE'], [503, 'UNAVAILABLE']];
  for (const [status, outcome] of cases) test(`${status} → ${outcome}`, () => assert.equal(robotsOutcomeForStatus(status), outcome));
});
