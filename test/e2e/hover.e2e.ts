// E2E: the installed extension hovers a RoPE key in config.json, opens rendered reports from the command
// palette, shows the side panel in both themes and the GGUF view.
// Run: node --import tsx --test test/e2e/hover.e2e.ts   (after scripts/harness/install.mjs)
// Add scenarios as further test() blocks; they share one code-server + browser via before/after.
import * as assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT } from '../../scripts/harness/paths.mjs';
import { GgufBuilder } from '../unit/helpers/binaryWriters';
import type { FrameLocator } from 'playwright-core';
import { frameWith, startWorkbench, type Workbench } from './workbench';

let wb: Workbench;

/** The fixture workspace plus a GGUF header written here (binary fixtures are made, not committed). */
function workspaceWithGguf(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pelens-e2e-src-'));
  cpSync(path.join(ROOT, 'test', 'fixtures', 'workspace'), dir, { recursive: true });
  const bytes = new GgufBuilder()
    .str('general.architecture', 'llama').u32('llama.context_length', 131072).u32('llama.embedding_length', 4096)
    .u32('llama.attention.head_count', 32).f32('llama.rope.freq_base', 500000)
    .str('llama.rope.scaling.type', 'yarn').f32('llama.rope.scaling.factor', 4).u32('llama.rope.scaling.original_context_length', 32768)
    .build();
  writeFileSync(path.join(dir, 'model.gguf'), bytes);
  return dir;
}

let source = '';

before(async () => {
  source = workspaceWithGguf();
  wb = await startWorkbench({ workspace: source });
}, { timeout: 180_000 }); // packaging + install + first workbench load

after(async () => {
  if (wb) await wb.close();
  if (source) rmSync(source, { recursive: true, force: true });
});

test('hovering rope_theta in config.json shows the RoPE facts and a chart', { timeout: 60_000 }, async () => {
  await wb.openFile('config.json');
  await wb.screenshot('hover-01-opened');
  const text = await wb.hoverAt('rope_theta');
  console.log(`hover text: ${JSON.stringify(text.slice(0, 300))}`);
  assert.match(text, /wavelength range/);
  assert.match(text, /critical dimension/);
  assert.match(text, /trained context/);
  // The chart is an <img> with an SVG data URI; wait until it has been decoded and laid out.
  const img = wb.page.locator('.monaco-hover:not(.hidden) img[src^="data:image/svg+xml"]').first();
  await img.waitFor({ state: 'visible' });
  // (Typed structurally: this tsconfig has no DOM lib.)
  await wb.page.waitForFunction((el) => { const i = el as { complete?: boolean; naturalWidth?: number } | null; return !!i?.complete && (i.naturalWidth ?? 0) > 0; }, await img.elementHandle());
  const shot = await wb.screenshot('hover-02-rope_theta');
  console.log(`screenshot: ${shot}`);
  // The README picture: the editor and the hover only (union of both boxes). Written to test-results/, and
  // into media/screenshots/ (kept in the repository) only when PELENS_UPDATE_SCREENSHOTS=1: a test run
  // must not leave the working tree changed.
  const readme = process.env['PELENS_UPDATE_SCREENSHOTS'] === '1' ? path.join(ROOT, 'media', 'screenshots', 'hover.png') : path.join(ROOT, 'test-results', 'hover-readme.png');
  mkdirSync(path.dirname(readme), { recursive: true });
  const boxes = await Promise.all(['.editor-group-container', '.monaco-hover:not(.hidden)'].map((s) => wb.page.locator(s).first().boundingBox()));
  const [x0, y0] = [Math.min(...boxes.map((b) => b?.x ?? Infinity)), Math.min(...boxes.map((b) => b?.y ?? Infinity))];
  const [x1, y1] = [Math.max(...boxes.map((b) => (b ? b.x + b.width : 0))), Math.max(...boxes.map((b) => (b ? b.y + b.height : 0)))];
  await wb.page.screenshot({ path: readme, clip: { x: x0, y: y0, width: Math.min(x1 - x0, 1000), height: Math.min(y1 - y0 + 8, 700) } });
});

/**
 * The report a command opened, found by its heading, checked to be RENDERED: the Markdown preview's webview
 * holds an <h1> and a <table>; a report shown as raw Markdown text (the preview failed) has neither.
 */
async function renderedReport(heading: RegExp): Promise<FrameLocator> {
  const view = await frameWith(wb.page, 'h1', { hasText: heading }).catch(async (e: unknown) => {
    console.log(`screenshot: ${await wb.screenshot('report-not-rendered')}`);
    throw e;
  });
  await view.locator('table').first().waitFor({ state: 'visible' });
  assert.equal(await wb.page.locator('.monaco-editor .view-line', { hasText: /^#\s/ }).count(), 0, 'no editor shows the raw Markdown');
  return view;
}

test('Analyze from the command palette opens the report rendered in the Markdown preview', { timeout: 60_000 }, async () => {
  await wb.page.keyboard.press('Escape'); // dismiss the hover left by the previous scenario
  await wb.runCommand('Position Encoding Lens: Analyze Position Encoding'); // config.json is the active editor
  const view = await renderedReport(/^Position encoding: config\.json$/);
  await wb.page.locator('.tab.active', { hasText: 'Preview Position encoding config.json.md' }).waitFor({ state: 'visible' });
  const facts = await view.locator('table').first().innerText();
  assert.match(facts, /theta \(base\)\s+10,000/);
  // The charts are SVG data URIs the preview's CSP must allow: wait until one is decoded.
  const img = view.locator('img[src^="data:image/svg+xml"]').first();
  await img.waitFor({ state: 'visible' });
  await wb.page.waitForFunction((el) => { const i = el as { complete?: boolean; naturalWidth?: number } | null; return !!i?.complete && (i.naturalWidth ?? 0) > 0; }, await img.elementHandle());
  console.log(`screenshot: ${await wb.screenshot('report-preview')}`);
  await wb.closeAllEditors();
});

test('Check Extrapolation and Compare open their reports rendered as well', { timeout: 90_000 }, async () => {
  // Quick Open right after a preview had focus and sits in the recent list: the file itself must open.
  await wb.openFile('config.json');
  await wb.runCommand('Position Encoding Lens: Check Extrapolation to N Tokens…', { next: 'Check extrapolation to how many tokens?' });
  await wb.page.keyboard.press('Control+A');
  await wb.page.keyboard.type('16k');
  await wb.page.keyboard.press('Enter');
  const extrapolation = await renderedReport(/^Extrapolation to 16,384 tokens: config\.json$/);
  assert.match(await extrapolation.locator('body').innerText(), /beyond/);
  console.log(`screenshot: ${await wb.screenshot('report-extrapolation')}`);
  await wb.closeAllEditors();

  await wb.runCommand('Position Encoding Lens: Compare Two Configs…', { next: 'Pick two configs to compare' });
  const picker = wb.page.locator('.quick-input-widget');
  for (const label of ['config.json', 'llama3/config.json']) {
    await picker.locator('.monaco-list-row').filter({ has: wb.page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/\./g, '\\.')}$`) }) }).first().click();
  }
  await picker.locator('.quick-input-count', { hasText: '2' }).waitFor({ state: 'visible' });
  await wb.page.keyboard.press('Enter');
  const compare = await renderedReport(/^Compare: (config\.json ↔ llama3\/config\.json|llama3\/config\.json ↔ config\.json)$/);
  assert.match(await compare.locator('table').first().innerText(), /theta \(base\)\s+(10,000\s+500,000|500,000\s+10,000)/);
  console.log(`screenshot: ${await wb.screenshot('report-compare')}`);
  await wb.closeAllEditors();
});

test('the side panel renders in VS Code, says which backend ran, follows a target change, in dark and light', { timeout: 120_000 }, async () => {
  await wb.page.keyboard.press('Escape');
  await wb.openFile('config.json').catch(async (e: unknown) => {
    console.log(`screenshot: ${await wb.screenshot('panel-open-failed')}`);
    throw e;
  });
  await wb.runCommand('Position Encoding Lens: Show Encoding Preview');
  const view = await frameWith(wb.page, '#backend-badge');
  const badge = view.locator('#backend-badge');
  await badge.filter({ hasText: /(WASM|WebGPU) · \d+ ms/ }).waitFor({ timeout: 60_000 }).catch(async (e: unknown) => {
    console.log(`screenshot: ${await wb.screenshot('panel-badge-failed')}`);
    throw e;
  });
  const first = await badge.innerText();
  console.log(`panel badge: ${first}`);
  assert.match(first, /WASM|WebGPU/);
  const field = view.locator('vscode-text-field[data-control="Target length"] input');
  await field.fill('32k');
  await field.press('Enter');
  await view.locator('text=/32768|32,768/').first().waitFor({ timeout: 60_000 });
  await badge.filter({ hasText: /· \d+ ms/ }).waitFor();
  // code-server starts light here; VS Code marks the webview's body with the theme kind.
  await view.locator('body.vscode-light').waitFor({ timeout: 30_000 });
  console.log(`screenshot: ${await wb.screenshot('panel-vscode-light')}`);
  // Dark theme through the workspace settings VS Code watches.
  mkdirSync(path.join(wb.workspace, '.vscode'), { recursive: true });
  writeFileSync(path.join(wb.workspace, '.vscode', 'settings.json'), JSON.stringify({ 'workbench.colorTheme': 'Default Dark Modern' }));
  await view.locator('body.vscode-dark').waitFor({ timeout: 30_000 });
  await badge.filter({ hasText: /· \d+ ms/ }).waitFor();
  console.log(`screenshot: ${await wb.screenshot('panel-vscode-dark')}`);
  rmSync(path.join(wb.workspace, '.vscode'), { recursive: true, force: true });
});

test('a GGUF file opens in the read-only position-facts view', { timeout: 60_000 }, async () => {
  await wb.page.keyboard.press('Escape');
  await wb.openFile('model.gguf', { custom: true });
  // The custom editor's webview, told from the panel's by its heading: the file's report rendered to HTML.
  const view = await frameWith(wb.page, 'h1', { hasText: 'model.gguf' }).catch(async (e: unknown) => {
    console.log(`iframes: ${JSON.stringify(await wb.page.locator('iframe.webview').evaluateAll((els) => els.map((el) => (el as unknown as { src: string }).src.replace(/^.*?\?/, '').slice(0, 300))))}`);
    throw e;
  });
  await view.locator('text=trained context').first().waitFor();
  const body = await view.locator('body').innerText();
  assert.match(body, /yarn × 4/);
  assert.match(body, /32,768/);
  console.log(`screenshot: ${await wb.screenshot('gguf-view')}`);
});
