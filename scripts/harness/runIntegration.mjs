#!/usr/bin/env node
// Runs the integration suites inside a real VS Code (code-server) offline: builds the extension and the
// suites, starts code-server in smoke-test-driver mode, opens the workbench in headless Chromium with the
// extensionDevelopmentPath/extensionTestsPath payload, relays mocha's output and exits with its code.
// Two runs, each with its own server and throwaway workspace copy:
//   trusted     test/integration/*.test.ts, Workspace Trust off, plus a generated folder of 1,000 configs;
//   restricted  test/integration/*.restricted.ts, Workspace Trust on and the folder untrusted (Restricted
//               Mode), with workspace settings an untrusted repository could carry.
// The last line sums both runs: `N passed, N failed` (scripts/run-tests.mjs reads it).
// Usage: node scripts/harness/runIntegration.mjs [--no-build] [--only trusted|restricted] [--extension DIR]
//        [--grep RE] [--timeout S] [--verbose]
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { format, parseArgs } from 'node:util';
import { launchChromium } from './browser.mjs';
import { buildIntegrationTests, buildRestrictedTests } from './buildTests.mjs';
import { remoteUri, startCodeServer, workbenchUrl } from './codeServer.mjs';
import { writeRestrictedWorkspace, writeScaleConfigs } from './generatedWorkspaces.mjs';
import { ROOT, run } from './paths.mjs';

// Both printed by test/integration/index.ts: mocha's reporter lines, and the final counts.
const LOG_PREFIX = '[pelens-mocha] ';
const SUMMARY_PREFIX = '[pelens-summary] ';
const WORKBENCH_LOG = path.join(ROOT, 'test-results', 'integration-workbench.log');

const RUNS = [
  {
    name: 'trusted',
    build: buildIntegrationTests,
    workspaceTrust: false,
    // The scale suite opens one config of a workspace that has 1,000 (generated, not committed).
    prepare: (ws) => writeScaleConfigs(path.join(ws, 'scale', 'configs')),
  },
  { name: 'restricted', build: buildRestrictedTests, workspaceTrust: true, prepare: writeRestrictedWorkspace },
];

const { values: opt } = parseArgs({
  options: {
    'no-build': { type: 'boolean', default: false },
    only: { type: 'string' },
    extension: { type: 'string', default: ROOT },
    workspace: { type: 'string', default: path.join(ROOT, 'test', 'fixtures', 'workspace') },
    grep: { type: 'string' },
    timeout: { type: 'string', default: '240' },
    verbose: { type: 'boolean', default: false },
  },
});
const extensionDir = path.resolve(opt.extension);
const timeoutMs = Number(opt.timeout) * 1000;
const t0 = Date.now();

/** One run's counts line; a harness failure counts as one failed test so it can never read as green. */
function countsOf(result) {
  const s = result.summary;
  return s ? { passed: s.passed, failed: s.failed, pending: s.pending ?? 0 } : { passed: 0, failed: 1, pending: 0 };
}

/** Plain last line CI parses (the per-run lines are indented so only the total matches). */
function printSummary(results) {
  console.log('');
  let passed = 0;
  let failed = 0;
  for (const r of results) {
    const c = countsOf(r);
    passed += c.passed;
    failed += c.failed;
    if (r.error) console.log(`integration (${r.name}): ${r.error}`);
    console.log(`  ${r.name}: ${c.passed} passed, ${c.failed} failed${c.pending ? ` (${c.pending} pending)` : ''}, exit code ${r.code}, ${(r.ms / 1000).toFixed(1)} s`);
  }
  const code = results.some((r) => r.code !== 0) || failed > 0 ? 1 : 0;
  if (code !== 0) console.log(`workbench/extension-host log: ${path.relative(process.cwd(), WORKBENCH_LOG)}`);
  console.log(`${passed} passed, ${failed} failed`);
  console.log(`exit code ${code} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return code;
}

/** Starts a server for `spec`, runs its suite in `browser`, and always stops the server and removes the workspace. */
async function runSuite(spec, testIndex, browser) {
  const started = Date.now();
  const result = { name: spec.name, code: 1, summary: undefined, error: undefined, ms: 0 };
  let server, page, workspace;
  try {
    // A throwaway copy: tests may edit files without dirtying the fixtures.
    workspace = mkdtempSync(path.join(os.tmpdir(), `pelens-ws-${spec.name}-`));
    cpSync(opt.workspace, workspace, { recursive: true });
    spec.prepare(workspace);

    server = await startCodeServer({ testMode: true, workspaceTrust: spec.workspaceTrust, echo: opt.verbose });
    console.log(`[integration] ${spec.name}: code-server on ${server.url} (pid ${server.pid}) ready in ${Date.now() - started} ms`);

    page = await browser.newPage();
    const done = new Promise((resolve) => {
      // The workbench calls these in smoke-test mode: the extension host's console, then the exit code.
      void page.exposeFunction('codeAutomationLog', (type, args) => {
        const text = format(...(Array.isArray(args) ? args : [args]));
        if (text.startsWith(SUMMARY_PREFIX)) result.summary = JSON.parse(text.slice(SUMMARY_PREFIX.length));
        else if (text.startsWith(LOG_PREFIX)) console.log(text.slice(LOG_PREFIX.length));
        else {
          // Everything else (workbench and extension-host noise, activation errors) goes to a file.
          appendFileSync(WORKBENCH_LOG, `[${spec.name} ${type}] ${text}\n`);
          if (opt.verbose) console.error(`[workbench ${type}] ${text}`);
        }
      });
      void page.exposeFunction('codeAutomationExit', (code) => resolve(Number(code)));
    });
    page.on('pageerror', (e) => opt.verbose && console.error(`[page error] ${e.message}`));
    page.on('console', (m) => opt.verbose && console.error(`[browser ${m.type()}] ${m.text()}`));
    const crashed = new Promise((_, reject) => page.on('crash', () => reject(new Error('the browser page crashed'))));

    // The extension's log folder lives in the server's user-data dir; tests read it to see what the
    // extension did (e.g. the binary view's header read), since the API does not expose it.
    const env = { PELENS_LOGS_DIR: path.join(server.stateDir, 'user-data', 'logs'), ...(opt.grep ? { PELENS_TEST_GREP: opt.grep } : {}) };
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
    await page?.close().catch(() => undefined);
    await server?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
    result.ms = Date.now() - started;
  }
  return result;
}

async function main() {
  const specs = RUNS.filter((r) => !opt.only || r.name === opt.only);
  if (specs.length === 0) throw new Error(`--only must be one of ${RUNS.map((r) => r.name).join(', ')}`);
  const results = [];
  let browser;
  try {
    // The extension under test must be built; esbuild.js skips entry points that do not exist yet.
    if (!opt['no-build'] && extensionDir === ROOT) run(process.execPath, ['esbuild.js']);
    const indexes = [];
    for (const spec of specs) indexes.push(await spec.build());
    mkdirSync(path.dirname(WORKBENCH_LOG), { recursive: true });
    writeFileSync(WORKBENCH_LOG, '');
    browser = await launchChromium();
    for (const [i, spec] of specs.entries()) {
      console.log(`\n[integration] run ${i + 1}/${specs.length}: ${spec.name}${spec.workspaceTrust ? ' (Workspace Trust on, folder untrusted)' : ''}`);
      results.push(await runSuite(spec, indexes[i], browser));
    }
  } catch (e) {
    results.push({ name: 'harness', code: 1, summary: undefined, error: e instanceof Error ? e.message : String(e), ms: 0 });
  } finally {
    // Never hang in cleanup: force the exit if closing the browser stalls.
    setTimeout(() => process.exit(1), 20_000).unref();
    await browser?.close().catch(() => undefined);
  }
  process.exit(printSummary(results));
}

main();
