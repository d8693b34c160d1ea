// Headless Debian Chromium driven by playwright-core (never a downloaded browser). launch() gives every
// run a fresh temporary profile; the flags keep it from phoning home (the machine is offline anyway).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM } from './paths.mjs';

export const CHROMIUM_FLAGS = [
  '--no-sandbox', // running as root in a container: the setuid sandbox is unavailable
  '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

/** @param {{ extraArgs?: string[] }} [opts] */
export async function launchChromium(opts = {}) {
  // Chromium writes crash-report settings and dconf state under $HOME even with a temp profile: give it
  // a temporary HOME (and XDG dirs) so nothing lands in the real one; removed when the browser goes away.
  const home = mkdtempSync(path.join(os.tmpdir(), 'pelens-chromium-'));
  const env = {
    ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_CACHE_HOME: path.join(home, '.cache'),
  };
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_FLAGS, ...(opts.extraArgs ?? [])],
    env,
    timeout: 60_000,
  });
  browser.on('disconnected', () => rmSync(home, { recursive: true, force: true }));
  return browser;
}
