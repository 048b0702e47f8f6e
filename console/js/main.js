import { forgetKey, Problem } from './api.js';
import { h } from './dom.js';
import * as crawls from './pages/crawls.js';
import * as etl from './pages/etl-jobs.js';
import * as feedback from './pages/feedback.js';
import * as moderation from './pages/moderation.js';
import * as batches from './pages/risk-batches.js';
import * as regions from './pages/regions.js';
import * as assessments from './pages/risk-assessments.js';
import * as site from './pages/risk-site.js';
import * as runs from './pages/runs.js';
import * as transcriptions from './pages/transcriptions.js';

// A small client-side router: every console path is served the same shell, and the page module
// its path names renders into <main>. Links within the console navigate without a reload.

const ROUTES = [
  [/^\/$/, runs.render],
  [/^\/risk-assessments$/, assessments.renderList],
  [/^\/risk-assessments\/([^/]+)$/, assessments.renderOverview],
  [/^\/risk-assessments\/([^/]+)\/sites\/([^/]+)$/, site.render],
  [/^\/regions$/, regions.render],
  [/^\/risk-batches$/, batches.renderList],
  [/^\/risk-batches\/([^/]+)$/, batches.renderBatch],
  [/^\/transcriptions$/, transcriptions.renderList],
  [/^\/transcriptions\/([^/]+)$/, transcriptions.renderJob],
  [/^\/etl-jobs$/, etl.renderList],
  [/^\/etl-jobs\/([^/]+)$/, etl.renderJob],
  [/^\/moderation$/, moderation.renderList],
  [/^\/moderation\/batches\/([^/]+)$/, moderation.renderBatch],
  [/^\/moderation\/review$/, moderation.renderReview],
  [/^\/moderation\/models$/, moderation.renderModels],
  [/^\/crawls$/, crawls.renderList],
  [/^\/crawls\/([^/]+)$/, crawls.renderCrawl],
  [/^\/feedback-jobs$/, feedback.renderList],
  [/^\/feedback-jobs\/([^/]+)$/, feedback.renderJob],
];

let current;

function markNavigation(path) {
  for (const link of document.querySelectorAll('.site-header nav a')) {
    const href = link.getAttribute('href');
    const here = href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
    if (here) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function renderError(main, err) {
  const problem = err instanceof Problem ? err : null;
  main.replaceChildren(
    h('h1', { tabindex: '-1' }, problem?.status === 404 ? 'Not found' : 'Something went wrong'),
    h('p', { class: 'problem', role: 'alert' }, problem ? `${problem.title}: ${problem.message}` : String(err?.message ?? err)),
  );
}

async function show(url, { focus = false } = {}) {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const main = document.getElementById('main');
  main.setAttribute('aria-busy', 'true');
  delete document.body.dataset.ready;
  performance.clearMarks('dp:ready');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  markNavigation(path);
  const route = ROUTES.find(([pattern]) => pattern.test(path));
  const ready = (title) => {
    if (controller.signal.aborted || document.body.dataset.ready) return;
    document.title = `${title} · durable-pipelines`;
    main.setAttribute('aria-busy', 'false');
    document.body.dataset.ready = 'true';
    performance.mark('dp:ready');
    if (focus) main.querySelector('h1')?.focus();
  };
  main.replaceChildren();
  try {
    if (!route) throw new Problem(404, { title: 'Not Found', detail: `The console has no page at ${path}` });
    const params = route[0].exec(path).slice(1).map(decodeURIComponent);
    await route[1]({ main, params, query: url.searchParams, signal: controller.signal, navigate, ready });
  } catch (err) {
    if (controller.signal.aborted || err?.name === 'AbortError') return;
    renderError(main, err);
    ready('Error');
  }
}

export function navigate(href, { replace = false } = {}) {
  const url = new URL(href, location.href);
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  void show(url, { focus: true });
}

document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target.closest?.('a[href]');
  if (!link || link.target || link.hasAttribute('download')) return;
  const url = new URL(link.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/console/')) return;
  event.preventDefault();
  navigate(url);
});

window.addEventListener('popstate', () => void show(new URL(location.href), { focus: true }));

document.getElementById('forget-key')?.addEventListener('click', () => {
  forgetKey();
  void show(new URL(location.href));
});

void show(new URL(location.href));
