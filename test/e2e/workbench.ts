// Browser end-to-end helpers: package the extension, install it into a throwaway code-server, open a
// workspace in headless Chromium and drive the workbench the way a user would (Quick Open, hover, F1).
// Every wait polls a DOM state with a timeout; there are no fixed sleeps.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/harness/browser.mjs';
import { type CodeServer, installExtension, makeStateDir, startCodeServer, workbenchUrl } from '../../scripts/harness/codeServer.mjs';
import { packageVsix } from '../../scripts/harness/packageVsix.mjs';
import { ROOT, requireInstalled } from '../../scripts/harness/paths.mjs';

export const RESULTS_DIR = path.join(ROOT, 'test-results');
const UI_TIMEOUT = 30_000;

export interface WorkbenchOptions {
  /** Folder copied to a temp dir and opened (tests may edit it freely). */
  workspace?: string;
  /** Extension folder to package; PELENS_E2E_EXTENSION overrides, the repo root by default. */
  extensionDir?: string;
}

export interface Workbench {
  page: Page;
  server: CodeServer;
  workspace: string;
  waitForWorkbench(): Promise<void>;
  openFile(name: string, opts?: { custom?: boolean }): Promise<void>;
  hoverAt(text: string): Promise<string>;
  runCommand(title: string): Promise<void>;
  notifications(): Promise<string[]>;
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function startWorkbench(opts: WorkbenchOptions = {}): Promise<Workbench> {
  requireInstalled();
  const extensionDir = path.resolve(process.env['PELENS_E2E_EXTENSION'] ?? opts.extensionDir ?? ROOT);
  const vsix = packageVsix(extensionDir);
  const stateDir = makeStateDir('pelens-e2e-');
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'pelens-e2e-ws-'));
  cpSync(opts.workspace ?? path.join(ROOT, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });

  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(workspace, { recursive: true, force: true });
  };
  try {
    installExtension(stateDir, vsix); // same path a user takes: a real installed .vsix, not dev mode
    server = await startCodeServer({ stateDir });
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(UI_TIMEOUT);
    await page.goto(workbenchUrl(server, workspace), { waitUntil: 'domcontentloaded' });
    const wb = workbenchFor(page, server, workspace, close);
    await wb.waitForWorkbench();
    return wb;
  } catch (e) {
    const tail = server?.logTail(20) ?? '';
    await close();
    throw new Error(`${e instanceof Error ? e.message : String(e)}${tail ? `\n--- code-server log ---\n${tail}` : ''}`);
  }
}

function workbenchFor(page: Page, server: CodeServer, workspace: string, close: () => Promise<void>): Workbench {
  const quickInput = page.locator('.quick-input-widget');
  const wb: Workbench = {
    page, server, workspace, close,

    /** The explorer shows the folder's files once the workbench and the remote connection are up. */
    async waitForWorkbench() {
      await page.locator('.monaco-workbench').waitFor({ state: 'visible' });
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible' });
    },

    /** Quick Open (Ctrl+P), type the name, Enter; resolves when its editor tab is active. */
    async openFile(name, opts = {}) {
      await page.locator('.monaco-workbench').click({ position: { x: 5, y: 5 } }).catch(() => undefined);
      await page.keyboard.press('Control+P');
      await quickInput.waitFor({ state: 'visible' });
      await page.keyboard.type(name);
      await quickInput.locator('.monaco-list-row', { hasText: name }).first().waitFor({ state: 'visible' });
      await page.keyboard.press('Enter');
      await page.locator(`.tab.active[aria-label*="${name}"]`).first().waitFor({ state: 'visible' });
      if (opts.custom) return; // a custom editor (webview) has no text lines
      await page.locator('.monaco-editor .view-lines').first().waitFor({ state: 'visible' });
      // The text arrives after the editor frame (later still while extensions activate): wait for a line.
      await page.locator('.monaco-editor .view-lines .view-line').filter({ hasText: /\S/ }).first().waitFor({ state: 'visible' });
    },

    /** Moves the mouse onto the first editor token containing `text`; returns the hover's text. */
    async hoverAt(text) {
      const token = page.locator('.monaco-editor .view-line span span', { hasText: text }).first();
      await token.waitFor({ state: 'visible' });
      // The editor may re-render the line between the wait and the measurement: measure until it holds still.
      let box = await token.boundingBox();
      for (const t0 = Date.now(); !box && Date.now() - t0 < UI_TIMEOUT; box = await token.boundingBox()) await token.waitFor({ state: 'visible' });
      if (!box) throw new Error(`token "${text}" has no bounding box`);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      const hover = page.locator('.monaco-hover:not(.hidden)').first();
      await hover.waitFor({ state: 'visible' });
      // Content renders after the widget shows (and providers may be slow): poll until it has text.
      const deadline = Date.now() + UI_TIMEOUT;
      for (;;) {
        const content = (await hover.innerText()).trim();
        if (content && !/^Loading\.\.\.$/i.test(content)) return content;
        if (Date.now() > deadline) throw new Error(`hover over "${text}" stayed empty`);
        await page.waitForTimeout(100); // poll interval, not a wait for a state
      }
    },

    /** Command palette (F1), type the title, pick the matching row with Enter. */
    async runCommand(title) {
      await page.keyboard.press('F1');
      await quickInput.waitFor({ state: 'visible' });
      await page.keyboard.type(title);
      await quickInput.locator('.monaco-list-row', { hasText: title }).first().waitFor({ state: 'visible' });
      await page.keyboard.press('Enter');
      await quickInput.waitFor({ state: 'hidden' });
    },

    /** Notification texts: toasts in normal mode, the aria alerts in smoke-test mode. */
    async notifications() {
      const sel = '.notification-toast .notification-list-item-message, .monaco-aria-container .monaco-alert';
      return (await page.locator(sel).allInnerTexts()).map((t) => t.trim()).filter(Boolean);
    },

    async screenshot(name) {
      mkdirSync(RESULTS_DIR, { recursive: true });
      const file = path.join(RESULTS_DIR, name.endsWith('.png') ? name : `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
  };
  return wb;
}
