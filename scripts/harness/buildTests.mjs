// Bundles the integration suite into out/integration/: index.js (mocha included, so it runs on any
// extension-host Node, mocha 12 being ESM) and one <name>.test.js per test file (vscode external).
// The restricted-mode suite (test/integration/*.restricted.ts, run in an untrusted workspace) goes to
// out/integration-restricted/ with the same index.js, which runs the *.test.js beside it.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './paths.mjs';

export const TEST_SRC = path.join(ROOT, 'test', 'integration');
export const TEST_OUT = path.join(ROOT, 'out', 'integration');
export const TEST_INDEX = path.join(TEST_OUT, 'index.js');
export const RESTRICTED_OUT = path.join(ROOT, 'out', 'integration-restricted');

export function buildIntegrationTests() {
  return buildSuite('.test.ts', TEST_OUT);
}

/** The suite that must run in an untrusted workspace (its files end in .restricted.ts). */
export function buildRestrictedTests() {
  return buildSuite('.restricted.ts', RESTRICTED_OUT);
}

/** Bundles index.ts and every test/integration file ending in `suffix` into `outDir` as <name>.test.js. */
async function buildSuite(suffix, outDir) {
  const tests = readdirSync(TEST_SRC).filter((f) => f.endsWith(suffix));
  if (tests.length === 0) throw new Error(`no *${suffix} in ${TEST_SRC}`);
  rmSync(outDir, { recursive: true, force: true }); // no stale tests from deleted sources
  await esbuild.build({
    entryPoints: [
      { in: path.join(TEST_SRC, 'index.ts'), out: 'index' },
      ...tests.map((f) => ({ in: path.join(TEST_SRC, f), out: `${f.slice(0, -suffix.length)}.test` })),
    ],
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: ['vscode'],
    // Tests that import the engine bundle jsonc-parser: its UMD build has requires esbuild cannot follow.
    mainFields: ['module', 'main'],
    sourcemap: 'inline', // stack traces in the mocha output point at the .ts lines
    sourcesContent: false,
    logLevel: 'warning',
    // mocha's parallel mode (worker files via require.resolve) is unused in the extension host.
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
  console.log(`[build] ${tests.length} integration test file(s) -> ${path.relative(ROOT, outDir)}`);
  return path.join(outDir, 'index.js');
}

// Run directly (`node scripts/harness/buildTests.mjs`) e.g. before `npx vscode-test`.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  buildIntegrationTests().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
