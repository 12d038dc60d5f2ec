// Helpers for the deploy/share/security browser tests: build the production site into a folder,
// serve a directory with `python3 -m http.server` (a plain static host, no Vite), and open pages
// that record console errors, page errors, CSP violations and every request the page or its workers make.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { inject } from 'vitest';
import { repoRoot } from '../helpers.ts';

export interface BuiltSite {
  /** The production build (`vite build`), shared read-only by every browser test file of a run. */
  dir: string;
  /** The files it lists in precache.json (every hashed asset, relative to the site). */
  files: string[];
}

const siteDir = join(repoRoot, 'test-results', 'site');
const lockDir = `${siteDir}.lock`;

/** The site built once per test run (test/browser/global-setup.ts names the run): the first test
 *  file to ask builds it while holding a lock directory; the others wait for its marker file. */
export async function sharedSite(): Promise<BuiltSite> {
  const marker = join(siteDir, `.built-${inject('testRun')}`);
  const deadline = Date.now() + 300_000;
  while (!existsSync(marker)) {
    if (tryLock()) {
      try {
        if (!existsSync(marker)) {
          await build({ root: repoRoot, logLevel: 'error', build: { outDir: siteDir, emptyOutDir: true } });
          writeFileSync(marker, '');
        }
      } finally {
        rmSync(lockDir, { recursive: true, force: true });
      }
      break;
    }
    if (Date.now() > deadline) throw new Error(`the shared site build did not finish within 5 minutes (lock ${lockDir})`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const files = (JSON.parse(readFileSync(join(siteDir, 'precache.json'), 'utf8')) as { files: string[] }).files;
  return { dir: siteDir, files };
}

function tryLock(): boolean {
  mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
  try {
    mkdirSync(lockDir);
    return true;
  } catch {
    return false;
  }
}

/** The shared build served by python3's http.server, with a chromium to open it. */
export interface ServedSite extends BuiltSite {
  server: StaticServer;
  browser: Browser;
  close(): Promise<void>;
}

export async function serveSharedSite(): Promise<ServedSite> {
  const site = await sharedSite();
  const server = await serveStatic(site.dir);
  const browser = await launchChromium();
  return {
    ...site, server, browser,
    async close() {
      await browser.close();
      await server.stop();
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export interface StaticServer {
  origin: string;
  stop(): Promise<void>;
}

/** Serves `dir` with Python's http.server on a free localhost port; resolves once it answers. */
export async function serveStatic(dir: string): Promise<StaticServer> {
  const port = await freePort();
  const child: ChildProcess = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dir], { stdio: 'ignore' });
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      await fetch(`${origin}/`);
      break;
    } catch (e) {
      if (i > 100) { child.kill(); throw e; }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    origin,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) { resolve(); return; }
      child.once('exit', () => resolve());
      child.kill();
    }),
  };
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Console errors, page errors, failed/4xx requests and CSP violations, as text. */
  problems: string[];
  /** Every request URL the page, its workers or its service worker made, in order. */
  requests: { url: string; method: string }[];
}

/** A fresh context whose page reports CSP violations (window.__cspViolations) and its traffic. */
export async function watchedPage(browser: Browser, options: { acceptDownloads?: boolean } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: options.acceptDownloads ?? false });
  await context.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      w.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: { url: string; method: string }[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  context.on('request', (r) => requests.push({ url: r.url(), method: r.method() }));
  context.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  context.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  return { context, page, problems, requests };
}

export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
}
