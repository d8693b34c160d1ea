// @vscode/test-cli config for machines WITH network: `node scripts/harness/buildTests.mjs && npx vscode-test`
// downloads desktop VS Code and runs the same bundled mocha suite as the offline code-server runner,
// on the minimum version from package.json's engines.vscode and on 'stable' (as rust-analyzer does).
import { defineConfig } from '@vscode/test-cli';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const minVersion = String(pkg.engines.vscode).replace(/^[\^~>=\s]+/, '');

const common = {
  files: 'out/integration/**/*.test.js',
  workspaceFolder: 'test/fixtures/workspace',
  mocha: { ui: 'tdd', timeout: 60_000, color: true },
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
};

export default defineConfig([
  { ...common, label: `min (${minVersion})`, version: minVersion },
  { ...common, label: 'stable', version: 'stable' },
]);
