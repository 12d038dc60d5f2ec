// Helpers for the deploy/share/security browser tests: build the production site into a folder,
// serve a directory with `python3 -m http.server` (a plain static host, no Vite), and open pages
// that record console errors, page errors, CSP violations and every request the page or its workers make.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { repoRoot } from '../helpers.ts';

export async function buildSite(outDir: string): Promise<string[]> {
  await build({ root: repoRoot, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  return (JSON.parse(readFileSync(join(outDir, 'precache.json'), 'utf8')) as { files: string[] }).files;
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
