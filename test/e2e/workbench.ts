// Browser end-to-end helpers: package the extension, install it into a throwaway code-server, open a
// workspace in headless Chromium and drive the workbench the way a user would (Quick Open, hover, F1).
// Every wait polls a DOM state with a timeout; there are no fixed sleeps.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/harness/browser.mjs';
import { type CodeServer, installExtension, makeStateDir, startCodeServer, workbenchUrl } from '../../scripts/harness/codeServer.mjs';
import { packageVsix } from '../../scripts/harness/packageVsix.mjs';
import { ROOT, requireInstalled } from '../../scripts/harness/paths.mjs';

export const RESULTS_DIR = path.join(ROOT, 'test-results');
const UI_TIMEOUT = 30_000;
/** Quick Open picks before openFile gives up, and how long a pick may take to show its editor before the next. */
const OPEN_ATTEMPTS = 3;
const RETRY_AFTER = 5_000;

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
  runCommand(title: string, opts?: { next?: string }): Promise<void>;
  closeAllEditors(): Promise<void>;
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

  /**
   * Opens Quick Open or the palette with its key. A focused webview (a report preview, the panel) is an
   * iframe whose document gets the keys first: hand focus back to the workbench's document beforehand.
   */
  const openQuickInput = async (key: string): Promise<void> => {
    await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { activeElement: { tagName: string; blur(): void } | null } }).document;
      if (doc.activeElement?.tagName === 'IFRAME') doc.activeElement.blur();
    });
    await page.waitForFunction(() => (globalThis as unknown as { document: { activeElement: { tagName: string } | null } }).document.activeElement?.tagName !== 'IFRAME');
    await page.keyboard.press(key);
    await quickInput.waitFor({ state: 'visible' });
  };

  /**
   * Quick Open shows the recent editors in recency order, then re-sorts them by the typed query and appends
   * file results: a row found before the re-sort moves under the click. Waits until the rows read the same twice.
   */
  const settled = async (rows: Locator): Promise<void> => {
    const read = (): Promise<string> => rows.evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? '').join('\n'));
    const deadline = Date.now() + UI_TIMEOUT;
    for (let prev = await read(); ; ) {
      await page.waitForTimeout(250); // the interval the rows must hold still over, not a wait for a state
      const now = await read();
      if (now === prev) return;
      if (Date.now() > deadline) throw new Error('Quick Open kept changing its rows');
      prev = now;
    }
  };

  const wb: Workbench = {
    page, server, workspace, close,

    /** The explorer shows the folder's files once the workbench and the remote connection are up. */
    async waitForWorkbench() {
      await page.locator('.monaco-workbench').waitFor({ state: 'visible' });
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible' });
    },

    /**
     * Quick Open (Ctrl+P), type the name, pick the row for exactly that file; resolves when its editor tab is
     * active. `name` may hold folders ("llama3/config.json"): Quick Open shows them as the row's description.
     */
    async openFile(name, opts = {}) {
      const base = path.posix.basename(name);
      const dir = path.posix.dirname(name) === '.' ? '' : path.posix.dirname(name);
      // Recent editors come first and match loosely (a report "Position encoding config.json.md" matches
      // "config.json"): take only the row whose file name and folder are exactly the ones asked for.
      const row = quickInput.locator('.monaco-list-row')
        .filter({ has: page.locator('.label-name', { hasText: exactly(base) }) })
        .filter(dir
          ? { has: page.locator('.label-description', { hasText: exactly(dir) }) }
          : { hasNot: page.locator('.label-description', { hasText: /\S/ }) })
        .first();
      // The tab's aria-label is the name, then ", preview" or a folder when names repeat (its visible name is
      // split into spans for truncation, so its text does not read back as the name).
      const tab = page.locator(`.tab.active[aria-label="${base}"], .tab.active[aria-label^="${base},"]`).first();
      for (let attempt = 1; ; attempt++) {
        await openQuickInput('Control+P');
        await page.keyboard.type(name);
        await row.waitFor({ state: 'visible' });
        await settled(quickInput.locator('.monaco-list-row'));
        await row.click();
        await quickInput.waitFor({ state: 'hidden' });
        // Should a late re-sort still move the row under the click: check which editor became active, and
        // pick again if it is another one.
        const last = attempt === OPEN_ATTEMPTS;
        const opened = await tab.waitFor({ state: 'visible', timeout: last ? UI_TIMEOUT : RETRY_AFTER }).then(() => true, async (e: unknown) => {
          const tabs = await page.locator('.tab').evaluateAll((els) => els.map((el) => `${el.classList.contains('active') ? '*' : ''}${el.getAttribute('aria-label') ?? ''}`));
          console.log(`opening ${name} (attempt ${attempt}), tabs: ${JSON.stringify(tabs)}${last ? `; screenshot: ${await wb.screenshot(`open-${base}-failed`)}` : ''}`);
          if (last) throw e;
          return false;
        });
        if (opened) break;
      }
      if (opts.custom) return; // a custom editor (webview) has no text lines
      await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor({ state: 'visible' });
      // The text arrives after the editor frame (later still while extensions activate): wait for a line.
      await page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line').filter({ hasText: /\S/ }).first().waitFor({ state: 'visible' });
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

    /**
     * Command palette (F1), type the title, pick the matching row with Enter. Resolves when the palette has
     * closed, or, with `next`, when the command's own prompt shows that text (message or placeholder).
     */
    async runCommand(title, opts = {}) {
      await openQuickInput('F1');
      await page.keyboard.type(title);
      await quickInput.locator('.monaco-list-row', { hasText: title }).first().waitFor({ state: 'visible' });
      await page.keyboard.press('Enter');
      if (opts.next === undefined) {
        await quickInput.waitFor({ state: 'hidden' });
        return;
      }
      await quickInput.locator('.quick-input-message', { hasText: opts.next })
        .or(quickInput.locator(`input[placeholder*=${JSON.stringify(opts.next)}]`)).first().waitFor({ state: 'visible' });
    },

    /** 'View: Close All Editors'; resolves when no editor tab is left (previews and custom editors included). */
    async closeAllEditors() {
      await wb.runCommand('View: Close All Editors');
      await page.locator('.editor-group-container .tab').first().waitFor({ state: 'detached' });
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

/** Matches an element's whole text, not a part of it. */
function exactly(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}

/**
 * The content frame of the webview that shows `selector` (optionally with `hasText`), waiting for it.
 * Webviews are nested frames (VS Code's `iframe.webview.ready`, then `iframe#active-frame`); the outer frame is
 * named by the webview's id, so the locator stays on that webview while others open or close.
 */
export async function frameWith(page: Page, selector: string, opts: { hasText?: string | RegExp; timeout?: number } = {}): Promise<FrameLocator> {
  const deadline = Date.now() + (opts.timeout ?? UI_TIMEOUT);
  const filter = opts.hasText === undefined ? {} : { hasText: opts.hasText };
  for (;;) {
    const ids = await page.locator('iframe.webview.ready').evaluateAll((els) => els.map((el) => (el as unknown as { name: string }).name));
    for (const id of ids) {
      const view = page.frameLocator(`iframe.webview.ready[name="${id}"]`).frameLocator('iframe#active-frame');
      if (await view.locator(selector, filter).count().catch(() => 0)) return view;
    }
    if (Date.now() > deadline) throw new Error(`no webview shows ${selector}${opts.hasText === undefined ? '' : ` with ${String(opts.hasText)}`} (${ids.length} webviews)`);
    await page.waitForTimeout(100); // poll interval, not a wait for a state
  }
}
