#!/usr/bin/env node
// Runs test/integration/*.test.ts inside a real VS Code (code-server) offline: builds the extension and
// the suite, starts code-server in smoke-test-driver mode, opens the workbench in headless Chromium with
// the extensionDevelopmentPath/extensionTestsPath payload, relays mocha's output and exits with its code.
// Usage: node scripts/harness/runIntegration.mjs [--no-build] [--extension DIR] [--grep RE] [--timeout S] [--verbose]
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { format, parseArgs } from 'node:util';
import { launchChromium } from './browser.mjs';
import { buildIntegrationTests } from './buildTests.mjs';
import { remoteUri, startCodeServer, workbenchUrl } from './codeServer.mjs';
import { ROOT, run } from './paths.mjs';

// Both printed by test/integration/index.ts: mocha's reporter lines, and the final counts.
const LOG_PREFIX = '[pelens-mocha] ';
const SUMMARY_PREFIX = '[pelens-summary] ';
const WORKBENCH_LOG = path.join(ROOT, 'test-results', 'integration-workbench.log');

const { values: opt } = parseArgs({
  options: {
    'no-build': { type: 'boolean', default: false },
    extension: { type: 'string', default: ROOT },
    workspace: { type: 'string', default: path.join(ROOT, 'test', 'fixtures', 'workspace') },
    grep: { type: 'string' },
    timeout: { type: 'string', default: '240' },
    verbose: { type: 'boolean', default: false },
  },
});
const extensionDir = path.resolve(opt.extension);
const timeoutMs = Number(opt.timeout) * 1000;

/** Plain last line CI parses; a harness failure counts as one failed test so it can never read as green. */
function printSummary(result) {
  const s = result.summary;
  console.log('');
  if (result.error) console.log(`integration: ${result.error}`);
  if (result.code !== 0) console.log(`workbench/extension-host log: ${path.relative(process.cwd(), WORKBENCH_LOG)}`);
  if (s) console.log(`${s.passed} passed, ${s.failed} failed${s.pending ? ` (${s.pending} pending)` : ''}`);
  else console.log(`0 passed, 1 failed`);
  console.log(`exit code ${result.code} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

const t0 = Date.now();

async function main() {
  const result = { code: 1, summary: undefined, error: undefined };
  let server, browser, workspace;
  const cleanup = async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  };
  try {
    if (!opt['no-build']) {
      // The extension under test must be built; esbuild.js skips entry points that do not exist yet.
      if (extensionDir === ROOT) run(process.execPath, ['esbuild.js']);
    }
    const testIndex = await buildIntegrationTests();
    mkdirSync(path.dirname(WORKBENCH_LOG), { recursive: true });
    writeFileSync(WORKBENCH_LOG, '');

    // A throwaway copy: tests may edit files without dirtying the fixtures.
    workspace = mkdtempSync(path.join(os.tmpdir(), 'pelens-ws-'));
    cpSync(opt.workspace, workspace, { recursive: true });

    const tStart = Date.now();
    server = await startCodeServer({ testMode: true, echo: opt.verbose });
    console.log(`[integration] code-server on ${server.url} (pid ${server.pid}) ready in ${Date.now() - tStart} ms`);

    browser = await launchChromium();
    const page = await browser.newPage();
    const done = new Promise((resolve) => {
      // The workbench calls these in smoke-test mode: the extension host's console, then the exit code.
      void page.exposeFunction('codeAutomationLog', (type, args) => {
        const text = format(...(Array.isArray(args) ? args : [args]));
        if (text.startsWith(SUMMARY_PREFIX)) result.summary = JSON.parse(text.slice(SUMMARY_PREFIX.length));
        else if (text.startsWith(LOG_PREFIX)) console.log(text.slice(LOG_PREFIX.length));
        else {
          // Everything else (workbench and extension-host noise, activation errors) goes to a file.
          appendFileSync(WORKBENCH_LOG, `[${type}] ${text}\n`);
          if (opt.verbose) console.error(`[workbench ${type}] ${text}`);
        }
      });
      void page.exposeFunction('codeAutomationExit', (code) => resolve(Number(code)));
    });
    page.on('pageerror', (e) => opt.verbose && console.error(`[page error] ${e.message}`));
    page.on('console', (m) => opt.verbose && console.error(`[browser ${m.type()}] ${m.text()}`));
    const crashed = new Promise((_, reject) => page.on('crash', () => reject(new Error('the browser page crashed'))));

    const env = opt.grep ? { PELENS_TEST_GREP: opt.grep } : {};
    const url = workbenchUrl(server, workspace, [
      ['extensionDevelopmentPath', remoteUri(server.host, extensionDir)],
      ['extensionTestsPath', remoteUri(server.host, testIndex)],
      ['extensionEnvironment', JSON.stringify(env)],
    ]);
    if (opt.verbose) console.error(`[integration] ${url}`);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });

    let timer;
    const timedOut = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no result after ${timeoutMs / 1000} s (suite hung, or the payload was ignored)`)), timeoutMs);
    });
    try {
      result.code = await Promise.race([done, crashed, timedOut]);
    } finally {
      clearTimeout(timer);
    }
    // A suite that reports failures must never exit 0, whatever the host said.
    if (result.summary?.failed && result.code === 0) result.code = 1;
    if (!result.summary) result.error = 'the suite exited without a summary (did index.js load?)';
    if (!result.summary && result.code === 0) result.code = 1;
  } catch (e) {
    result.code = 1;
    result.error = e instanceof Error ? e.message : String(e);
    if (server) console.error(`--- code-server log (tail) ---\n${server.logTail(30)}`);
  } finally {
    // Never hang in cleanup: force the exit if closing the browser or server stalls.
    setTimeout(() => process.exit(result.code || 1), 20_000).unref();
    await cleanup();
  }
  printSummary(result);
  process.exit(result.code);
}

main();
