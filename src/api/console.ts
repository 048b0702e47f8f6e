import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';

/** The console's static files: top-level `console/` in the repository and in the image (two levels up from src/api or dist/api). */
export const CONSOLE_DIR = path.join(__dirname, '..', '..', 'console');

/** Console pages: every one is the same shell, and the client renders the page its path names. */
const PAGES = ['/', '/risk-assessments{/*rest}', '/regions', '/risk-batches{/*rest}', '/transcriptions{/*rest}', '/etl-jobs{/*rest}', '/moderation{/*rest}', '/feedback-jobs{/*rest}', '/crawls{/*rest}'];

/** Browser builds of the chart library and the event-stream parser, straight from the installed packages. */
export const VENDOR_FILES: Readonly<Record<string, { pkg: string; file: string }>> = {
  'd3.min.js': { pkg: 'd3', file: '../dist/d3.min.js' },
  'plot.umd.min.js': { pkg: '@observablehq/plot', file: '../dist/plot.umd.min.js' },
  'eventsource-parser.js': { pkg: 'eventsource-parser', file: 'index.js' },
};

/** Where a vendor file lives: next to the module the package resolves to (their `exports` hide package.json). */
export function vendorFilePath(name: string): string {
  const { pkg, file } = VENDOR_FILES[name];
  return path.join(path.dirname(require.resolve(pkg)), file);
}

/** Every module of the console, so the shell can name them all and the browser fetch them at once. */
function consoleModules(dir = path.join(CONSOLE_DIR, 'js'), prefix = '/console/js'): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) =>
      entry.isDirectory() ? consoleModules(path.join(dir, entry.name), `${prefix}/${entry.name}`) : entry.name.endsWith('.js') ? [`${prefix}/${entry.name}`] : [],
    );
}

/**
 * The shell with a modulepreload link per module: without them the browser discovers the module
 * graph one import level at a time, a round trip per level before the page can ask for data.
 */
function shellHtml(): string {
  const links = consoleModules().map((href) => `<link rel="modulepreload" href="${href}">`).join('\n  ');
  return readFileSync(path.join(CONSOLE_DIR, 'index.html'), 'utf8').replace('<!-- modulepreload -->', links);
}

/**
 * The web console at `/`: HTML, scripts and styles from `console/`, libraries from
 * node_modules, nothing from elsewhere. It talks to the API only through the public `/api` routes.
 */
export function consoleRouter(): Router {
  const router = Router();
  const shell = shellHtml();
  router.get(PAGES, (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('html').send(shell);
  });
  for (const name of Object.keys(VENDOR_FILES)) {
    const file = vendorFilePath(name);
    router.get(`/console/vendor/${name}`, (_req, res) => {
      res.type('text/javascript').sendFile(file);
    });
  }
  router.use('/console', express.static(CONSOLE_DIR, { index: false, fallthrough: true }));
  return router;
}
