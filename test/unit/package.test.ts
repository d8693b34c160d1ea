// The .vsix ships exactly the allowlisted files: bundles, schema, ORT runtime, icon — no sources, tests,
// node_modules or caches (`vsce ls` reads .vscodeignore the way `vsce package` does).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';

const ROOT = join(__dirname, '..', '..');
const ALLOWED = [/^package\.json$/, /^README\.md$/, /^LICENSE$/, /^CHANGELOG\.md$/, /^dist\/(extension|cli)\.js$/, /^dist\/webview\/main\.(js|css)$/, /^schemas\/[\w.-]+\.json$/, /^media\/ort\/ort-wasm[\w.-]+\.(wasm|mjs)$/, /^media\/icon\.svg$/, /^media\/screenshots\/hover\.png$/];

it('the .vsix file list is the allowlist', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const files = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  const stray = files.filter((f) => !ALLOWED.some((re) => re.test(f)));
  assert.deepEqual(stray, []);
  for (const must of ['package.json', 'dist/extension.js', 'dist/cli.js', 'schemas/model-config.schema.json']) assert.ok(files.includes(must), `missing ${must}`);
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.equal(manifest.devDependencies['@types/vscode'], '1.95.0');
  assert.equal(manifest.engines.vscode, '^1.95.0');
});
