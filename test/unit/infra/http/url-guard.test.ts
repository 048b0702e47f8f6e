import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertFetchable, isNonPublicAddress, UnsafeUrlError } from '../../../../src/infra/http/url-guard';

const nonPublic = ['127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:169.254.169.254', 'not-an-ip'];
const isPublic = ['8.8.8.8', '1.1.1.1', '172.32.0.1', '192.169.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'];

for (const address of nonPublic) test(`${address} is not public`, () => assert.equal(isNonPublicAddress(address), true));
for (const address of isPublic) test(`${address} is public`, () => assert.equal(isNonPublicAddress(address), false));

test('only http(s) without credentials; loopback only when allowlisted', async () => {
  await assert.rejects(assertFetchable(new URL('file:///etc/passwd'), []), UnsafeUrlError);
  await assert.rejects(assertFetchable(new URL('ftp://example.com/a.wav'), []), UnsafeUrlError);
  await assert.rejects(assertFetchable(new URL('http://user:pw@8.8.8.8/a.wav'), []), UnsafeUrlError);
  await assert.rejects(assertFetchable(new URL('http://127.0.0.1:8080/a.wav'), []), /127\.0\.0\.1, a private/);
  await assert.rejects(assertFetchable(new URL('http://[::ffff:7f00:1]/a.wav'), []), UnsafeUrlError);
  await assert.rejects(assertFetchable(new URL('http://169.254.169.254/latest/meta-data'), []), UnsafeUrlError);
  await assert.rejects(assertFetchable(new URL('http://localhost:8080/a.wav'), ['127.0.0.1']), UnsafeUrlError);
  await assertFetchable(new URL('http://127.0.0.1:8080/a.wav'), ['127.0.0.1']);
  await assertFetchable(new URL('http://8.8.8.8/a.wav'), []);
});
