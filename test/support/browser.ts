import { readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Download, type Page, type Response } from 'playwright-core';

/**
 * Debian's Chromium, driven headless by playwright-core. `.ci/run` installs it when missing.
 * Playwright gives every launch a fresh profile directory; the flags keep Chromium from reaching
 * for Google's services, which this network does not have.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const ROOT = path.resolve(__dirname, '..', '..');
/** Screenshots the README shows; CONSOLE_SCREENSHOTS_DIR points them elsewhere. */
export const SCREENSHOT_DIR = process.env.CONSOLE_SCREENSHOTS_DIR ?? path.join(ROOT, 'docs', 'img');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
}

interface Allowed {
  status: number;
  url: RegExp;
}

/**
 * A page that records everything that went wrong: console errors (CSP violations included), page
 * errors, failed requests and HTTP errors. Only answers a test declares with `allow` are not
 * problems (a 404 the page expects, a 400 a test provokes). Requests the page itself aborts
 * (leaving a page mid-stream) are not failures.
 */
export class WatchedPage {
  readonly problems: string[] = [];
  private readonly allowed: Allowed[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const where = message.location().url;
      if (/^Failed to load resource/.test(message.text()) && this.allowed.some((a) => a.url.test(where))) return;
      this.problems.push(`console error: ${message.text()} (${where})`);
    });
    page.on('pageerror', (err) => this.problems.push(`page error: ${err.message}`));
    page.on('requestfailed', (request) => {
      const reason = request.failure()?.errorText ?? '';
      if (reason !== 'net::ERR_ABORTED') this.problems.push(`request failed: ${request.method()} ${request.url()}: ${reason}`);
    });
    page.on('response', (response: Response) => {
      if (response.status() < 400) return;
      if (this.allowed.some((a) => a.status === response.status() && a.url.test(response.url()))) return;
      this.problems.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
    });
  }

  static async open(browser: Browser): Promise<WatchedPage> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'en-GB', timezoneId: 'Asia/Seoul', acceptDownloads: true });
    return new WatchedPage(context, await context.newPage());
  }

  /** An error answer the test expects (and the console message Chromium logs for it). */
  allow(status: number, url: RegExp): void {
    this.allowed.push({ status, url });
  }

  /** Navigates and waits until the page says it has rendered; answers when, in ms after navigation start. */
  async load(url: string): Promise<number> {
    await this.page.goto(url);
    return this.ready();
  }

  /** Waits for the page's `dp:ready` mark (set once its content is on screen); its time since navigation start. */
  async ready(): Promise<number> {
    // A function, not a string: the page's CSP forbids the eval a string predicate needs. (This
    // file is compiled without the DOM's types, hence globalThis.)
    await this.page.waitForFunction(() => (globalThis as any).document.body.dataset.ready === 'true', undefined, { timeout: 30_000 });
    return this.page.evaluate<number>(`performance.getEntriesByName('dp:ready')[0].startTime`);
  }

  /** The whole page, or its top `height` pixels (a page with a long table). */
  async screenshot(name: string, { height }: { height?: number } = {}): Promise<void> {
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `console-${name}.png`);
    await this.page.screenshot(height ? { path: file, fullPage: true, clip: { x: 0, y: 0, width: 1400, height } } : { path: file, fullPage: true });
  }

  /** axe-core's accessibility rules on the page as it is now; answers the violations as readable lines. */
  async accessibilityViolations(): Promise<string[]> {
    // Evaluated through the DevTools protocol, which the page's CSP does not govern.
    if (!(await this.page.evaluate(`'axe' in window`))) await this.page.evaluate(AXE_SOURCE());
    const violations = await this.page.evaluate<Array<{ id: string; help: string; nodes: Array<{ target: string[] }> }>>(
      `axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations)`,
    );
    return violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`);
  }

  /** Clicks what starts a download and answers the downloaded file's text. */
  async downloadText(click: () => Promise<void>): Promise<string> {
    const [download]: [Download, void] = await Promise.all([this.page.waitForEvent('download'), click()]);
    return readFile(await download.path(), 'utf8');
  }

  /** Fails with every problem seen so far. */
  assertClean(): void {
    if (this.problems.length) throw new Error(`the console had problems:\n${this.problems.join('\n')}`);
  }

  close(): Promise<void> {
    return this.context.close();
  }
}

let axeSource: string | undefined;
const AXE_SOURCE = () => (axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));

/** Median, minimum and maximum of some timings. */
export function spread(values: readonly number[]): { min: number; median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] };
}
