import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PIPELINE_NAMES } from '../../../src/pipelines';
import { startTestStack, testConfig, type TestStack } from '../../support/stack';

describe('API platform: probes, OpenAPI, problem+json, limits, auth', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack({ config: testConfig({ API_KEYS: 'k1,k2', API_BODY_LIMIT: '1kb' }), queues: false });
  });
  after(() => stack.stop());

  const auth = { authorization: 'Bearer k2', 'content-type': 'application/json' };

  test('/healthz and /readyz answer without an API key', async () => {
    assert.equal((await fetch(`${stack.apiUrl}/healthz`)).status, 200);
    const ready = await fetch(`${stack.apiUrl}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready', checks: { temporal: true, postgres: true }, pid: process.pid });
  });

  test('/openapi.json documents every /api route with its schemas', async () => {
    const doc = (await (await fetch(`${stack.apiUrl}/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, any>> };
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.paths['/api/runs/{workflowId}'].get);
    const post = doc.paths['/api/system-checks'].post;
    // Every registered pipeline's queue can be probed, the system check's own included.
    assert.deepEqual(post.requestBody.content['application/json'].schema.properties.queues.items.enum, [...PIPELINE_NAMES]);
  });

  test('/metrics serves Prometheus text with the API request counter', async () => {
    const res = await fetch(`${stack.apiUrl}/metrics`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /dp_http_requests_total\{method="GET",route="unmatched|dp_http_requests_total/);
  });

  test('/api/* without a key is 401 problem+json; a wrong key too; a listed key passes', async () => {
    const none = await fetch(`${stack.apiUrl}/api/runs/x`);
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.equal((await fetch(`${stack.apiUrl}/api/runs/x`, { headers: { authorization: 'Bearer nope' } })).status, 401);
    assert.equal((await fetch(`${stack.apiUrl}/api/runs/x`, { headers: auth })).status, 404);
  });

  test('unknown workflow and unknown route are 404 problem+json', async () => {
    const res = await fetch(`${stack.apiUrl}/api/runs/does-not-exist`, { headers: auth });
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(res.status, 404);
    assert.equal(body.status, 404);
    assert.equal(body.detail, 'Workflow does-not-exist was not found');
    assert.equal((await fetch(`${stack.apiUrl}/nowhere`)).status, 404);
  });

  test('malformed JSON is 400, an oversized body 413, a bad field 400 naming it', async () => {
    const post = (body: string) => fetch(`${stack.apiUrl}/api/system-checks`, { method: 'POST', headers: auth, body });
    const malformed = await post('{"queues": [');
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { title: string }).title, 'Malformed JSON body');
    assert.equal((await post(JSON.stringify({ queues: ['risk'], pad: 'x'.repeat(2000) }))).status, 413);
    const bad = await post(JSON.stringify({ queues: ['risk', 'video'] }));
    assert.equal(bad.status, 400);
    const problem = (await bad.json()) as { detail: string; errors: Array<{ field: string }> };
    assert.equal(problem.errors[0].field, 'body.queues[1]');
    assert.match(problem.detail, /^body\.queues\[1\]: /);
  });

  test('a bad Idempotency-Key is rejected naming the header; nothing is started', async () => {
    const res = await fetch(`${stack.apiUrl}/api/system-checks`, { method: 'POST', headers: { ...auth, 'idempotency-key': 'has spaces' }, body: '{}' });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { detail: string }).detail, /^headers\.idempotency-key/);
  });

  test('request ids are echoed or generated, and security headers are set', async () => {
    const res = await fetch(`${stack.apiUrl}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
    assert.equal(res.headers.get('x-request-id'), 'abc-123');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('x-powered-by'), null);
    const generated = (await fetch(`${stack.apiUrl}/healthz`)).headers.get('x-request-id');
    assert.match(generated ?? '', /^[0-9a-f-]{36}$/);
  });
});
