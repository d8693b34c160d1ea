// Bundles the integration suite into out/integration/: index.js (mocha included, so it runs on any
// extension-host Node, mocha 12 being ESM) and one <name>.test.js per test file (vscode external).
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './paths.mjs';

export const TEST_SRC = path.join(ROOT, 'test', 'integration');
export const TEST_OUT = path.join(ROOT, 'out', 'integration');
export const TEST_INDEX = path.join(TEST_OUT, 'index.js');

export async function buildIntegrationTests() {
  const tests = readdirSync(TEST_SRC).filter((f) => f.endsWith('.test.ts'));
  if (tests.length === 0) throw new Error(`no *.test.ts in ${TEST_SRC}`);
  rmSync(TEST_OUT, { recursive: true, force: true }); // no stale tests from deleted sources
  await esbuild.build({
    entryPoints: ['index.ts', ...tests].map((f) => path.join(TEST_SRC, f)),
    outdir: TEST_OUT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: ['vscode'],
    sourcemap: 'inline', // stack traces in the mocha output point at the .ts lines
    sourcesContent: false,
    logLevel: 'warning',
    // mocha's parallel mode (worker files via require.resolve) is unused in the extension host.
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
  console.log(`[build] ${tests.length} integration test file(s) -> ${path.relative(ROOT, TEST_OUT)}`);
  return TEST_INDEX;
}

// Run directly (`node scripts/harness/buildTests.mjs`) e.g. before `npx vscode-test`.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  buildIntegrationTests().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
