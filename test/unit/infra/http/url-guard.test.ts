import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { describe, test } from 'node:test';
import { isAllowed, parseAllowEntry, portOf, type AllowedEndpoint } from '../../../../src/infra/http/allowlist';
import { addressRefusal } from '../../../../src/infra/http/public-address';
import { assertFetchableUrl, assertResolvedPublic } from '../../../../src/infra/http/url-guard';

/**
 * The whole verdict for one URL, as a fetch reaches it: the URL parser, the URL check, and the
 * addresses a name resolves to (given here, where a real fetch asks DNS once).
 */
function verdict(text: string, opts: { resolvesTo?: string[]; allow?: AllowedEndpoint[] } = {}): 'fetched' | 'refused' {
  try {
    const url = new URL(text);
    assertFetchableUrl(url, opts.allow ?? []);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!isIP(host) && !isAllowed(host, portOf(url), opts.allow ?? [])) assertResolvedPublic(host, opts.resolvesTo ?? []);
    return 'fetched';
  } catch {
    return 'refused';
  }
}

const PUBLIC_V4 = '93.184.215.14';
const PUBLIC_V6 = '2606:2800:21f:cb07:6820:80da:af6b:8b2c';

const REFUSED_URLS: Array<[string, { resolvesTo?: string[]; allow?: AllowedEndpoint[] }?]> = [
  ['http://127.0.0.1/'],
  ['http://127.8.9.10:8080/a.wav'],
  ['http://2130706433:3000/healthz'],
  ['http://127.1/'],
  ['http://0x7f000001/'],
  ['http://0x7f.1/'],
  ['http://0177.0.0.1/'],
  ['http://127.0.0.1./'],
  ['http://0.0.0.0/'],
  ['http://0/'],
  ['http://10.1.2.3/'],
  ['http://172.16.0.1/'],
  ['http://192.168.1.1/'],
  ['http://169.254.169.254/latest/meta-data'],
  ['http://100.64.0.1/'],
  ['http://198.18.0.1/'],
  ['http://192.0.2.10/'],
  ['http://198.51.100.7/'],
  ['http://203.0.113.9/'],
  ['http://224.0.0.1/'],
  ['http://255.255.255.255/'],
  ['http://240.0.0.1/'],
  ['http://[::1]/'],
  ['http://[::]/'],
  ['http://[::7f00:1]/'],
  ['http://[::127.0.0.1]/'],
  ['http://[::ffff:127.0.0.1]/'],
  ['http://[::ffff:7f00:1]/'],
  ['http://[::ffff:169.254.169.254]/'],
  ['http://[64:ff9b::a9fe:a9fe]/'],
  ['http://[64:ff9b::8.8.8.8]/'],
  ['http://[2002:a9fe:a9fe::]/'],
  ['http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/'],
  ['http://[fec0::1]/'],
  ['http://[fe80::1]/'],
  ['http://[fe80::1%25eth0]/'],
  ['http://[fd00::1]/'],
  ['http://[ff02::1]/'],
  ['http://[2001:db8::1]/'],
  ['http://user:pw@example.com/a.wav', { resolvesTo: [PUBLIC_V4] }],
  ['http://user@example.com/a.wav', { resolvesTo: [PUBLIC_V4] }],
  ['http://example.com@127.0.0.1/a.wav'],
  ['file:///etc/passwd'],
  ['ftp://example.com/a.wav', { resolvesTo: [PUBLIC_V4] }],
  ['gopher://example.com:70/', { resolvesTo: [PUBLIC_V4] }],
  ['javascript:alert(1)'],
  ['http://localhost/', { resolvesTo: ['127.0.0.1', '::1'] }],
  ['http://LOCALHOST./', { resolvesTo: ['127.0.0.1'] }],
  ['http://metadata.google.internal/', { resolvesTo: ['169.254.169.254'] }],
  ['http://rebind.example/', { resolvesTo: [PUBLIC_V4, '127.0.0.1'] }],
  ['http://mixed6.example/', { resolvesTo: [PUBLIC_V6, 'fd00::1'] }],
  ['http://nowhere.example/', { resolvesTo: [] }],
  ['http://127.0.0.1:8080/', { allow: [{ host: '127.0.0.1', port: 9090 }] }],
  ['http://localhost:8080/', { allow: [{ host: '127.0.0.1', port: 8080 }] }],
  ['http:///nohost'],
];

const FETCHED_URLS: Array<[string, { resolvesTo?: string[]; allow?: AllowedEndpoint[] }?]> = [
  [`http://${PUBLIC_V4}/a.wav`],
  ['HTTPS://Example.COM/a.wav', { resolvesTo: [PUBLIC_V4] }],
  ['hTtP://example.com./a.wav', { resolvesTo: [PUBLIC_V4] }],
  [`http://[${PUBLIC_V6}]/a.wav`],
  ['http://[::ffff:8.8.8.8]/a.wav'],
  ['http://dual.example/a.wav', { resolvesTo: [PUBLIC_V4, PUBLIC_V6] }],
  ['http://172.32.0.1/'],
  ['http://127.0.0.1:8080/a.wav', { allow: [{ host: '127.0.0.1', port: 8080 }] }],
  ['http://127.0.0.1:45123/a.wav', { allow: [{ host: '127.0.0.1', port: '*' }] }],
  ['http://localhost/a.wav', { allow: [{ host: 'localhost', port: 80 }] }],
];

describe('the URL guard', () => {
  test(`refuses ${REFUSED_URLS.length} URLs and fetches ${FETCHED_URLS.length}`, () => assert.ok(REFUSED_URLS.length + FETCHED_URLS.length >= 40));
  for (const [url, opts] of REFUSED_URLS) test(`refuses ${url}${opts?.resolvesTo ? ` → ${opts.resolvesTo.join(', ') || 'nothing'}` : ''}`, () => assert.equal(verdict(url, opts), 'refused'));
  for (const [url, opts] of FETCHED_URLS) test(`fetches ${url}`, () => assert.equal(verdict(url, opts), 'fetched'));

  test('a refusal names the embedded IPv4 address of a transition range', () => {
    assert.match(addressRefusal('64:ff9b::a9fe:a9fe') ?? '', /rfc6052, embedding 169\.254\.169\.254 \(linkLocal\)/);
    assert.match(addressRefusal('2002:a9fe:a9fe::') ?? '', /6to4, embedding 169\.254\.169\.254/);
    assert.match(addressRefusal('::7f00:1') ?? '', /IPv4-compatible .*127\.0\.0\.1/);
    assert.equal(addressRefusal('8.8.8.8'), undefined);
  });
});

describe('FETCH_ALLOW_HOSTS entries', () => {
  test('host:port and host:* parse; a bare host or a bad port does not', () => {
    assert.deepEqual(parseAllowEntry('127.0.0.1:4010'), { host: '127.0.0.1', port: 4010 });
    assert.deepEqual(parseAllowEntry('Videos.Local.:*'), { host: 'videos.local', port: '*' });
    assert.deepEqual(parseAllowEntry('[::1]:8080'), { host: '::1', port: 8080 });
    for (const bad of ['127.0.0.1', 'localhost', 'host:0', 'host:70000', '::1:80', 'http://host:80', 'host:80/x']) assert.equal(parseAllowEntry(bad), undefined, bad);
  });
});
