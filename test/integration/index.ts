// Entry point the extension host calls (extensionTestsPath): runs every bundled *.test.js next to this
// file with mocha (tdd UI) and prints a machine-readable summary the runner turns into "N passed, N failed".
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

/** Printed once at the end; scripts/harness/runIntegration.mjs looks for this prefix. */
export const SUMMARY_PREFIX = '[pelens-summary] ';
/**
 * The workbench forwards every console message (its own noise included) to the runner; tagging the
 * reporter's lines lets it show mocha's output alone. Formatted here, since the relay passes raw args.
 */
export const LOG_PREFIX = '[pelens-mocha] ';
Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(LOG_PREFIX + format(...args));

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    color: false, // the log goes to a browser console / CI, not a TTY
    timeout: 60_000, // activation in a cold extension host can take several seconds
    ...(process.env['PELENS_TEST_GREP'] ? { grep: process.env['PELENS_TEST_GREP'] } : {}),
  });
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));

  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const { passes = 0, pending = 0 } = runner.stats ?? {};
        console.log(`${SUMMARY_PREFIX}${JSON.stringify({ passed: passes, failed: failures, pending })}`);
        if (failures > 0) reject(new Error(`${failures} test(s) failed`));
        else resolve();
      });
    } catch (e) {
      console.error(e);
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
