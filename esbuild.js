// One bundle per runtime: the extension host (node, cjs, vscode external), the CLI (node) and the
// webview (browser). `--production` minifies and drops sourcemaps; `--watch` rebuilds on change.
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints build start/finish and errors in the form VS Code's esbuild problem matcher reads. */
const problemMatcher = {
  name: 'esbuild-problem-matcher',
  setup(build) {
    build.onStart(() => { if (watch) console.log('[watch] build started'); });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'silent',
  // jsonc-parser's UMD build uses dynamic requires esbuild cannot follow; its ESM build bundles cleanly.
  mainFields: ['module', 'main'],
  plugins: [problemMatcher],
};

const targets = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node18', external: ['vscode'] },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node18', banner: { js: '#!/usr/bin/env node' } },
  // The side panel: ESM because the ORT bundle locates its runtime with import.meta; main.ts imports main.css,
  // which esbuild writes next to it as dist/webview/main.css.
  { ...common, entryPoints: ['webview/main.ts'], outfile: 'dist/webview/main.js', platform: 'browser', format: 'esm', target: 'es2022' },
];

async function main() {
  const contexts = await Promise.all(targets.filter((t) => require('fs').existsSync(t.entryPoints[0])).map((t) => esbuild.context(t)));
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  const results = await Promise.allSettled(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length) process.exit(1);
  // The webview loads ORT's .mjs/.wasm from media/ort/ at run time (never a CDN).
  require('./scripts/copy-ort.js').copyOrtRuntime();
}

main().catch((e) => { console.error(e); process.exit(1); });
