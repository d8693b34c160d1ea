// Packages an extension folder into a .vsix under .cache/ with vsce (works offline). vsce runs the
// `vscode:prepublish` script, i.e. the production esbuild build, so the .vsix holds a fresh dist/.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CACHE, ROOT, readJson, run } from './paths.mjs';

/** @param {string} [extensionDir] defaults to the repo root @returns {string} the .vsix path */
export function packageVsix(extensionDir = ROOT) {
  const pkg = readJson(path.join(extensionDir, 'package.json'));
  mkdirSync(CACHE, { recursive: true });
  const out = path.join(CACHE, `${pkg.name}-${pkg.version}.vsix`);
  const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  // --no-dependencies: everything is bundled by esbuild; --allow-missing-repository: no prompt in CI.
  run(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out], { cwd: extensionDir });
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    console.log(packageVsix(process.argv[2] ? path.resolve(process.argv[2]) : ROOT));
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
