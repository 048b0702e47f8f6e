import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CONSOLE_DIR, VENDOR_FILES } from '../../../src/api/console';
import { startTestStack, type TestStack } from '../../support/stack';

describe('the console is served by the API, from local files only, under a strict CSP', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack({ queues: false });
  });
  after(() => stack.stop());

  test('every console path answers the shell; its scripts are files of this origin, never inline', async () => {
    for (const page of ['/', '/risk-assessments', '/risk-assessments/risk-a/sites/hq', '/regions', '/risk-batches/b-1', '/transcriptions/stt-x', '/etl-jobs', '/moderation', '/moderation/batches/moderation-x', '/moderation/models', '/crawls', '/crawls/feedback-crawl-x']) {
      const res = await fetch(`${stack.apiUrl}${page}`);
      assert.equal(res.status, 200, page);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/, page);
      const html = await res.text();
      assert.match(html, /<script type="module" src="\/console\/js\/main\.js"><\/script>/);
      assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
      assert.doesNotMatch(html, /https?:\/\//, 'nothing from another origin');
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /script-src-attr 'none'/);
      assert.doesNotMatch(csp, /upgrade-insecure-requests/);
    }
  });

  test('the shell preloads every module of the console, and each is served', async () => {
    const html = await (await fetch(`${stack.apiUrl}/`)).text();
    const preloaded = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]).sort();
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    const modules = walk(path.join(CONSOLE_DIR, 'js')).map((file) => `/console/${path.relative(CONSOLE_DIR, file).split(path.sep).join('/')}`).sort();
    assert.deepEqual(preloaded, modules);
    for (const href of modules) {
      const res = await fetch(`${stack.apiUrl}${href}`);
      assert.equal(res.status, 200, href);
      assert.match(res.headers.get('content-type') ?? '', /javascript/, href);
    }
  });

  test('the chart library and the event-stream parser come from node_modules', async () => {
    for (const name of Object.keys(VENDOR_FILES)) {
      const res = await fetch(`${stack.apiUrl}/console/vendor/${name}`);
      assert.equal(res.status, 200, name);
      assert.match(res.headers.get('content-type') ?? '', /^text\/javascript/, name);
      assert.ok((await res.arrayBuffer()).byteLength > 1000, name);
    }
  });

  test('unknown paths stay 404 problems, under /api and elsewhere', async () => {
    for (const p of ['/nowhere', '/api/nowhere', '/console/missing.js', '/risk-assessmentsx']) {
      const res = await fetch(`${stack.apiUrl}${p}`);
      assert.equal(res.status, 404, p);
      assert.match(res.headers.get('content-type') ?? '', /problem\+json/, p);
    }
  });
});
