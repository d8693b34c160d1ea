// Browser-test plumbing for the side panel: a loopback server with the panel's HTML and CSP, and a
// stand-in for VS Code's webview host (acquireVsCodeApi + the extension's request handler, minus vscode).
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { buildCsp, makeNonce } from '../../src/extension/csp';
import { panelData } from '../../src/extension/panelData';
import { panelHtml } from '../../src/extension/panelHtml';
import { parseWebviewMessage, type BackendSetting, type ExportParams, type HostMessage, type PanelData, type RenderedMessage, type RequestMethod } from '../../src/protocol';

const ROOT = path.resolve(__dirname, '..', '..');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.map': 'application/json' };
/** The only folders served, as the extension's localResourceRoots. */
const ROOTS: Record<string, string> = { '/dist/webview/': path.join(ROOT, 'dist', 'webview'), '/media/ort/': path.join(ROOT, 'media', 'ort') };

export interface PanelServer {
  origin: string;
  close(): Promise<void>;
}

export async function startServer(): Promise<PanelServer> {
  let origin = '';
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', origin);
      if (url.pathname === '/' || url.pathname === '/index.html') {
        const nonce = makeNonce();
        const html = panelHtml({ cspSource: origin, nonce, scriptUri: `${origin}/dist/webview/main.js`, styleUri: `${origin}/dist/webview/main.css`, ortBase: `${origin}/media/ort/` });
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': buildCsp(origin, nonce) });
        res.end(html);
        return;
      }
      if (url.pathname === '/favicon.ico') return void res.writeHead(204).end(); // Chromium asks for it on its own
      const prefix = Object.keys(ROOTS).find((p) => url.pathname.startsWith(p));
      const rel = prefix ? decodeURIComponent(url.pathname.slice(prefix.length)) : '';
      if (!prefix || rel.includes('..') || rel.includes('/')) {
        res.writeHead(404).end();
        return;
      }
      try {
        const body = await readFile(path.join(ROOTS[prefix]!, rel));
        res.writeHead(200, { 'content-type': TYPES[path.extname(rel)] ?? 'application/octet-stream' });
        res.end(body);
      } catch {
        res.writeHead(404).end(); // a missing file is the test's finding (the request list shows it)
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export interface FakeHost {
  rendered: RenderedMessage[];
  exports: ExportParams[];
  rejected: string[];
  logs: string[];
  /** The last analyze answer (what the webview drew). */
  lastData: PanelData | null;
  nextRendered(timeoutMs?: number): Promise<RenderedMessage>;
  send(m: HostMessage): Promise<void>;
}

/**
 * Installs acquireVsCodeApi in the page and answers its messages as the extension does (same validator,
 * same panelData), with `text` as the followed document. Also records CSP violations into `csp`.
 */
/** Host answers that replace the default ones (panelData of `text`, a recorded export), as the extension's `panel.ts` may add. */
export type Answers = Partial<Record<RequestMethod, (params: unknown) => unknown>>;

export async function installHost(page: Page, text: string, name: string, backend: BackendSetting, initialState: unknown, csp: string[], themeKind: 'dark' | 'light' = 'dark', answers: Answers = {}): Promise<FakeHost> {
  const waiters: ((m: RenderedMessage) => void)[] = [];
  const host: FakeHost = {
    rendered: [], exports: [], rejected: [], logs: [], lastData: null,
    nextRendered: (timeoutMs = 120_000) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no render within timeout')), timeoutMs);
      waiters.push((m) => {
        clearTimeout(timer);
        resolve(m);
      });
    }),
    send: async (m) => {
      await page.evaluate(`window.postMessage(${JSON.stringify(m)}, '*')`);
    },
  };
  const doc = { name, version: 1 };
  await page.exposeFunction('__pelensCsp', (s: string) => void csp.push(s));
  await page.exposeFunction('__pelensPost', async (json: string) => {
    const parsed = parseWebviewMessage(JSON.parse(json));
    if (!parsed.ok) return void host.rejected.push(parsed.error);
    const m = parsed.value;
    if (m.type === 'ready') return host.send({ type: 'init', backend, document: doc });
    if (m.type === 'log') return void host.logs.push(`${m.level}: ${m.message}`);
    if (m.type === 'rendered') {
      host.rendered.push(m);
      return void waiters.splice(0).forEach((w) => w(m));
    }
    try {
      let value: unknown;
      const own = answers[m.method];
      if (m.method === 'analyze') value = host.lastData = (own ? await own(m.params) : panelData(text, doc, m.params as Parameters<typeof panelData>[2])) as PanelData;
      else if (own) value = await own(m.params);
      else {
        host.exports.push(m.params as ExportParams);
        value = { saved: true };
      }
      await host.send({ type: 'response', id: m.id, reply: { ok: true, value } });
    } catch (e) {
      await host.send({ type: 'response', id: m.id, reply: { ok: false, error: e instanceof Error ? e.message : String(e) } });
    }
  });
  await page.addInitScript(`
    // 'interactive' comes before module scripts run: the theme is in place for the first render, as in VS Code.
    document.addEventListener('readystatechange', () => {
      if (document.readyState !== 'interactive') return;
      for (const [k, v] of Object.entries(${JSON.stringify(THEMES[themeKind])})) document.documentElement.style.setProperty(k, v);
      document.body.classList.add('vscode-${themeKind}');
    });
    document.addEventListener('securitypolicyviolation', (e) => window.__pelensCsp(e.violatedDirective + ' ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber));
    let state = ${JSON.stringify(initialState ?? null)};
    let acquired = false;
    window.acquireVsCodeApi = () => {
      if (acquired) throw new Error('acquireVsCodeApi called twice');
      acquired = true;
      return { postMessage: (m) => window.__pelensPost(JSON.stringify(m)), getState: () => state, setState: (s) => { state = s; } };
    };`);
  return host;
}

/** VS Code's theme variables (a subset), set on <html> through CSSOM as VS Code does (no inline <style>). */
export const THEMES: Record<'dark' | 'light', Record<string, string>> = {
  dark: {
    '--vscode-foreground': '#cccccc', '--vscode-descriptionForeground': '#9d9d9d', '--vscode-sideBar-background': '#181818',
    '--vscode-editor-background': '#1f1f1f', '--vscode-editorWidget-border': '#454545', '--vscode-errorForeground': '#f85149',
    '--vscode-badge-background': '#616161', '--vscode-badge-foreground': '#f8f8f8', '--vscode-focusBorder': '#0078d4',
    '--vscode-charts-blue': '#3794ff', '--vscode-charts-orange': '#d18616', '--vscode-charts-green': '#89d185',
    '--vscode-charts-purple': '#b180d7', '--vscode-charts-red': '#f14c4c', '--vscode-charts-yellow': '#cca700',
    '--vscode-font-family': 'sans-serif', '--vscode-font-size': '13px', '--vscode-editorHoverWidget-background': '#202020',
    '--vscode-editorHoverWidget-border': '#454545', '--vscode-input-background': '#313131', '--vscode-input-foreground': '#cccccc',
    '--vscode-input-placeholderForeground': '#989898', '--vscode-checkbox-background': '#313131', '--vscode-checkbox-border': '#3c3c3c',
    '--vscode-checkbox-foreground': '#cccccc', '--vscode-button-background': '#0078d4', '--vscode-button-foreground': '#ffffff',
    '--vscode-button-secondaryBackground': '#313131', '--vscode-button-secondaryForeground': '#cccccc',
    '--vscode-dropdown-background': '#313131', '--vscode-dropdown-foreground': '#cccccc', '--vscode-dropdown-border': '#3c3c3c',
  },
  light: {
    '--vscode-foreground': '#3b3b3b', '--vscode-descriptionForeground': '#717171', '--vscode-sideBar-background': '#f8f8f8',
    '--vscode-editor-background': '#ffffff', '--vscode-editorWidget-border': '#c8c8c8', '--vscode-errorForeground': '#f85149',
    '--vscode-badge-background': '#cccccc', '--vscode-badge-foreground': '#3b3b3b', '--vscode-focusBorder': '#005fb8',
    '--vscode-charts-blue': '#1a85ff', '--vscode-charts-orange': '#d18616', '--vscode-charts-green': '#388a34',
    '--vscode-charts-purple': '#652d90', '--vscode-charts-red': '#e51400', '--vscode-charts-yellow': '#bf8803',
    '--vscode-font-family': 'sans-serif', '--vscode-font-size': '13px', '--vscode-editorHoverWidget-background': '#f8f8f8',
    '--vscode-editorHoverWidget-border': '#c8c8c8', '--vscode-input-background': '#ffffff', '--vscode-input-foreground': '#3b3b3b',
    '--vscode-input-placeholderForeground': '#767676', '--vscode-checkbox-background': '#f8f8f8', '--vscode-checkbox-border': '#cecece',
    '--vscode-checkbox-foreground': '#3b3b3b', '--vscode-button-background': '#005fb8', '--vscode-button-foreground': '#ffffff',
    '--vscode-button-secondaryBackground': '#e5e5e5', '--vscode-button-secondaryForeground': '#3b3b3b',
    '--vscode-dropdown-background': '#ffffff', '--vscode-dropdown-foreground': '#3b3b3b', '--vscode-dropdown-border': '#cecece',
  },
};

export async function applyTheme(page: Page, kind: 'dark' | 'light'): Promise<void> {
  await page.evaluate(`(() => {
    const vars = ${JSON.stringify(THEMES[kind])};
    for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
    document.body.classList.remove('vscode-dark', 'vscode-light');
    document.body.classList.add('vscode-${kind}');
  })()`);
}

/** For every canvas under `selector`: how many sampled pixels differ from the first one (0 = blank). */
export async function inkOf(page: Page, selector: string): Promise<number[]> {
  return page.evaluate(`[...document.querySelectorAll(${JSON.stringify(`${selector} canvas`)})].map((c) => {
    const ctx = c.getContext('2d');
    if (!ctx || !c.width || !c.height) return 0;
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4 * 7) if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2] || d[i + 3] !== d[3]) ink++;
    return ink;
  })`);
}
