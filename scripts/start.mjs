#!/usr/bin/env node
// `npm start`: package the extension (vsce runs the production build), install it, and open a sample
// workspace of model configs. Uses desktop VS Code when `code` is on PATH, otherwise the cached
// code-server on 127.0.0.1 (run scripts/harness/install.mjs once first); runs until Ctrl+C.
// Usage: node scripts/start.mjs [extensionDir]   (PELENS_USE_CODE_SERVER=1 skips desktop `code`)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ensureStateDirs, installExtension, startCodeServer } from './harness/codeServer.mjs';
import { packageVsix } from './harness/packageVsix.mjs';
import { CACHE, ROOT, requireInstalled, run } from './harness/paths.mjs';

const SAMPLE = path.join(CACHE, 'sample-workspace');
const CORPUS = path.join(ROOT, '..', 'shared', 'corpus', 'configs');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'workspace');
// Persistent across runs so settings and window state survive a restart; inside the git-ignored cache.
const STATE = path.join(CACHE, 'start-state');

/** Fresh copy each start: the corpus configs (if this checkout has them) plus the test fixtures. */
function makeSampleWorkspace() {
  rmSync(SAMPLE, { recursive: true, force: true });
  mkdirSync(SAMPLE, { recursive: true });
  let n = 0;
  if (existsSync(CORPUS)) {
    for (const f of readdirSync(CORPUS).filter((f) => f.endsWith('.json'))) {
      cpSync(path.join(CORPUS, f), path.join(SAMPLE, f));
      n++;
    }
  }
  cpSync(FIXTURES, SAMPLE, { recursive: true });
  console.log(`[start] sample workspace ${SAMPLE} (${n} corpus configs + test fixtures)`);
}

function hasDesktopCode() {
  if (process.env.PELENS_USE_CODE_SERVER) return false; // force the browser path even where `code` exists
  return spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
}

async function main() {
  // Optional argument: another extension folder (handy to try the harness itself).
  const vsix = packageVsix(process.argv[2] ? path.resolve(process.argv[2]) : ROOT);
  makeSampleWorkspace();

  if (hasDesktopCode()) {
    run('code', ['--install-extension', vsix, '--force']);
    run('code', [SAMPLE]);
    console.log('[start] opened in desktop VS Code');
    return;
  }

  requireInstalled();
  ensureStateDirs(STATE);
  installExtension(STATE, vsix);
  const server = await startCodeServer({ stateDir: STATE });
  // Plain `?folder=/path` reads better than the vscode-remote form and code-server accepts both.
  console.log(`\n  Position Encoding Lens running in code-server:\n\n    ${server.url}?folder=${SAMPLE}\n`);
  console.log(`  (server ${server.url}, pid ${server.pid}; log ${server.logFile}). Ctrl+C to stop.\n`);
  // Ctrl+C is handled in codeServer.mjs (stops the server by PID); here we only notice a crash.
  const code = await server.exited;
  console.error(`[start] code-server exited (${code}); log tail:\n${server.logTail(20)}`);
  process.exit(1);
}

main().catch((e) => {
  console.error(`[start] ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
