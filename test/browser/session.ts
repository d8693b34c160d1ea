// What every panel browser test file sets up: the webview bundle built, the loopback server, one Chromium,
// and pages with the panel and a stand-in host that record what a user would never want to see (CSP
// reports, console and page errors, requests leaving the served origin).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/harness/browser.mjs';
import type { BackendSetting } from '../../src/protocol';
import { inkOf, installHost, startServer, type Answers, type FakeHost, type PanelServer } from './harness';

const ROOT = path.resolve(__dirname, '..', '..');

export interface PanelSuite {
  server(): PanelServer;
  browser(): Browser;
}

/** Registers before/after hooks for one test file; `extraArgs` go to Chromium (e.g. WebGPU flags). */
export function panelSuite(extraArgs: string[] = []): PanelSuite {
  let server: PanelServer | undefined;
  let browser: Browser | undefined;
  before(() => {
    const build = spawnSync(process.execPath, ['esbuild.js'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
  }, { timeout: 60_000 });
  before(async () => {
    server = await startServer();
    browser = await launchChromium({ extraArgs });
  }, { timeout: 60_000 });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  return { server: () => server!, browser: () => browser! };
}

export interface Session {
  page: Page;
  host: FakeHost;
  csp: string[];
  /** Console errors and uncaught page errors. */
  errors: string[];
  outside: string[];
  /** Page load to the first `rendered` report (0 when `waitForRender` was false). */
  firstRenderMs: number;
  close(): Promise<void>;
}

export interface OpenOptions {
  backend?: BackendSetting;
  state?: Record<string, unknown>;
  theme?: 'dark' | 'light';
  answers?: Answers;
  viewport?: { width: number; height: number };
  deviceScaleFactor?: number;
  /** Wait for the first render (default); false returns once the page has loaded. */
  waitForRender?: boolean;
}

export async function openPanel(suite: PanelSuite, doc: { name: string; text: string }, o: OpenOptions = {}): Promise<Session> {
  const server = suite.server();
  const context = await suite.browser().newContext({ viewport: o.viewport ?? { width: 520, height: 1800 }, deviceScaleFactor: o.deviceScaleFactor ?? 2 });
  const page = await context.newPage();
  const csp: string[] = [];
  const errors: string[] = [];
  const outside: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) csp.push(m.text());
    else if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  // Anything not from the served origin is recorded and refused: the panel must never reach the network.
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${server.origin}/`) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    outside.push(url);
    return route.abort();
  });
  const state = { methods: ['current'], target: null, layer: null, seqLen: null, zoom: 0, ...o.state };
  const host = await installHost(page, doc.text, doc.name, o.backend ?? 'wasm', state, csp, o.theme ?? 'dark', o.answers ?? {});
  const t0 = Date.now();
  const rendered = o.waitForRender === false ? null : host.nextRendered();
  await page.goto(`${server.origin}/`);
  if (rendered) await rendered;
  return { page, host, csp, errors, outside, firstRenderMs: rendered ? Date.now() - t0 : 0, close: () => context.close() };
}

/** Every canvas in each card has ink (not a blank or background-only canvas). */
export async function assertDrawn(page: Page, ids: string[]): Promise<void> {
  for (const id of ids) {
    const ink = await inkOf(page, `#${id}`);
    assert.ok(ink.length > 0, `#${id} has a canvas`);
    assert.ok(ink.every((n) => n > 50), `#${id} canvas is not blank (ink ${ink.join(',')})`);
  }
}
