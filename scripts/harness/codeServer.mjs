// Starts and stops a throwaway code-server (a real VS Code served to a browser) for tests and `npm start`.
// Loopback only, auth none, fresh user-data/extensions dirs and XDG dirs in a temp folder so nothing
// touches $HOME; readiness by polling /healthz; stopped by PID (its process group) on exit or failure.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CODE_SERVER_ENTRY, NODE24, requireInstalled, waitFor } from './paths.mjs';

/** Flags from testing-offline.md: no telemetry, update checks or welcome page. */
const QUIET_FLAGS = [
  '--disable-telemetry', '--disable-update-check',
  '--disable-getting-started-override', '--ignore-last-opened', '--reconnection-grace-time', '5',
];

/**
 * User settings for a run with Workspace Trust on: a fresh user-data dir trusts no folder, so the workspace
 * opens in Restricted Mode; no startup dialog (nobody would answer it) and no banner over the editor.
 */
const TRUST_SETTINGS = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
};

/** Asks the OS for a free loopback port (tiny race until code-server binds it; acceptable for tests). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** A fresh state folder: user data, extensions, XDG homes and the config file all live inside it. */
export function makeStateDir(prefix = 'pelens-cs-') {
  return ensureStateDirs(mkdtempSync(path.join(os.tmpdir(), prefix)));
}

/** Creates the state folder's layout in `dir` (a kept folder, e.g. for `npm start`); returns `dir`. */
export function ensureStateDirs(dir) {
  for (const sub of ['user-data', 'extensions', 'tmp', 'xdg/config', 'xdg/data', 'xdg/cache', 'xdg/state']) {
    mkdirSync(path.join(dir, sub), { recursive: true });
  }
  return dir;
}

/** Environment that keeps code-server (and the extension host it spawns) out of $HOME. */
function isolatedEnv(stateDir) {
  return {
    ...process.env,
    XDG_CONFIG_HOME: path.join(stateDir, 'xdg/config'),
    XDG_DATA_HOME: path.join(stateDir, 'xdg/data'),
    XDG_CACHE_HOME: path.join(stateDir, 'xdg/cache'),
    XDG_STATE_HOME: path.join(stateDir, 'xdg/state'),
    // The server and extension host put IPC sockets in the temp dir: keep them inside the state folder
    // so stopping the server removes them too.
    TMPDIR: path.join(stateDir, 'tmp'),
    // code-server's own password/config lookups read these; never inherit a developer's.
    PASSWORD: '', HASHED_PASSWORD: '',
  };
}

function dirArgs(stateDir) {
  return ['--user-data-dir', path.join(stateDir, 'user-data'), '--extensions-dir', path.join(stateDir, 'extensions')];
}

/** `code-server --install-extension x.vsix` into the state folder's extensions dir (works offline). */
export function installExtension(stateDir, vsix) {
  requireInstalled();
  console.log(`[code-server] installing ${vsix}`);
  const r = spawnSync(NODE24, [CODE_SERVER_ENTRY, ...dirArgs(stateDir), '--install-extension', vsix, '--force'], {
    env: isolatedEnv(stateDir), encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`--install-extension failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

/** Writes the user settings.json code-server reads from the state folder (replacing any earlier one). */
export function writeUserSettings(stateDir, settings) {
  const dir = path.join(stateDir, 'user-data', 'User');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
}

/** Live servers, so the exit hook can kill whatever is still running even after a crash. */
const live = new Set();
let hooksInstalled = false;

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal); // negative PID: the detached process group code-server leads
    return true;
  } catch {
    return false; // already gone
  }
}

function installExitHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL the groups and remove the temp folders.
  process.on('exit', () => {
    for (const s of live) s.killNow();
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      console.error(`[code-server] ${sig}: stopping`);
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

/**
 * Starts code-server and resolves once /healthz answers.
 * @param {{ testMode?: boolean, workspaceTrust?: boolean, stateDir?: string, keepState?: boolean, echo?: boolean, timeoutMs?: number }} [opts]
 *   testMode adds `--vscode-option enable-smoke-test-driver` (required for the extensionTestsPath payload).
 *   workspaceTrust keeps Workspace Trust on (every folder opens untrusted, in Restricted Mode); otherwise
 *   `--disable-workspace-trust` makes every folder trusted, as before.
 */
export async function startCodeServer(opts = {}) {
  requireInstalled();
  installExitHooks();
  const stateDir = opts.stateDir ?? makeStateDir();
  const ownsState = !opts.stateDir && !opts.keepState;
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const configFile = path.join(stateDir, 'config.yaml');
  writeFileSync(configFile, `bind-addr: ${host}\nauth: none\ncert: false\n`);
  const logFile = path.join(stateDir, 'code-server.log');
  const logStream = createWriteStream(logFile);

  const args = [CODE_SERVER_ENTRY, '--config', configFile, ...dirArgs(stateDir), ...QUIET_FLAGS];
  if (opts.workspaceTrust) writeUserSettings(stateDir, TRUST_SETTINGS);
  else args.push('--disable-workspace-trust');
  if (opts.testMode) args.push('--vscode-option', 'enable-smoke-test-driver');
  const child = spawn(NODE24, args, { env: isolatedEnv(stateDir), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error('code-server did not start');
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (d) => {
      logStream.write(d);
      if (opts.echo) process.stderr.write(d);
    });
  }
  let exited = null;
  const exitPromise = new Promise((resolve) => child.on('exit', (code, sig) => resolve((exited = code ?? sig))));

  let stopped = false;
  const server = {
    host, port, pid, stateDir, logFile,
    /** Resolves with the exit code/signal if the server stops on its own (or is stopped). */
    exited: exitPromise,
    url: `http://${host}/`,
    logTail(lines = 40) {
      try {
        return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
      } catch {
        return '(no log)';
      }
    },
    killNow() {
      if (stopped) return;
      stopped = true;
      live.delete(server);
      killGroup(pid, 'SIGKILL');
      if (ownsState) rmSync(stateDir, { recursive: true, force: true });
    },
    /** Graceful stop: SIGTERM the group, wait up to 5 s for the exit, then SIGKILL. */
    async stop() {
      if (stopped) return;
      if (exited === null && killGroup(pid, 'SIGTERM')) {
        await Promise.race([exitPromise, new Promise((r) => setTimeout(r, 5000).unref())]);
      }
      logStream.end();
      server.killNow(); // also reaps any stray child left in the group
    },
  };
  live.add(server);

  try {
    await waitFor(`code-server /healthz on ${host}`, async () => {
      if (exited !== null) throw Object.assign(new Error(`code-server exited early (${exited})`), { fatal: true });
      const res = await fetch(`http://${host}/healthz`, { signal: AbortSignal.timeout(2000) });
      return res.ok;
    }, opts.timeoutMs ?? 60_000, 150);
  } catch (e) {
    const tail = server.logTail();
    await server.stop();
    throw new Error(`${e instanceof Error ? e.message : e}\n--- code-server log ---\n${tail}`);
  }
  return server;
}

/** The vscode-remote URI code-server expects for a path on its own machine. */
export function remoteUri(host, fsPath) {
  return `vscode-remote://${host}${path.resolve(fsPath).split(path.sep).map(encodeURIComponent).join('/')}`;
}

/**
 * Workbench URL opening `folder`; with `payload` entries (e.g. extensionDevelopmentPath) for smoke-test mode.
 * @param {{ host: string }} server @param {string} folder @param {Array<[string, string]>} [payload]
 */
export function workbenchUrl(server, folder, payload) {
  const params = new URLSearchParams({ folder: remoteUri(server.host, folder) });
  if (payload) params.set('payload', JSON.stringify(payload));
  return `http://${server.host}/?${params.toString()}`;
}
