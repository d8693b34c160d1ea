// Extension activation outside VS Code: a fresh Node process loads dist/extension.js against a recording
// stand-in for the `vscode` module and calls activate(). What it measures is ours alone — loading and
// compiling the bundle plus registering every provider — not VS Code's extension-host start-up.
// Baseline: compiling the same bundle without running it (vm.Script), in another fresh process.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { Result } from './measure';

const PROBE = String.raw`
const Module = require('node:module');
const vm = require('node:vm');
const fs = require('node:fs');
// Any property is a callable stand-in; calls return another (disposable, thenable-free) stand-in.
const stub = () => new Proxy(function () {}, {
  get: (_t, k) => k === Symbol.iterator ? function* () {} : k === 'then' ? undefined : k === Symbol.toPrimitive ? () => '' : stub(),
  apply: () => stub(),
  construct: () => stub(),
});
const file = process.argv[1];
const source = fs.readFileSync(file, 'utf8');
// esbuild copies the module's own keys (__toESM), so the stand-in has every namespace and every
// capitalised name (enums, classes) the bundle reads; minified bundles rename the module, not its keys.
const vscode = {};
for (const k of ['window', 'workspace', 'languages', 'commands', 'env', 'extensions', 'l10n']) vscode[k] = stub();
for (const m of source.matchAll(/\.([A-Z]\w+)/g)) vscode[m[1]] = stub();
const resolve = Module._resolveFilename;
Module._resolveFilename = function (req, ...rest) { return req === 'vscode' ? 'vscode' : resolve.call(this, req, ...rest); };
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };
const t0 = performance.now();
if (process.argv[2] === 'compile') {
  new vm.Script(source, { filename: 'probe-compile.js' });
  console.log(JSON.stringify({ ms: performance.now() - t0 }));
} else {
  const ext = require(file);
  const subscriptions = [];
  ext.activate({ subscriptions, extensionUri: stub(), extension: { packageJSON: { version: 'bench' } }, globalState: stub(), workspaceState: stub() });
  console.log(JSON.stringify({ ms: performance.now() - t0, subscriptions: subscriptions.length }));
}
`;

/** `bundle`: the extension.js to measure (main.ts passes the one inside the freshly packaged .vsix). */
export function benchActivation(bundle: string, runs = 7): Result[] {
  if (!existsSync(bundle)) throw new Error(`${bundle} missing: run \`npm run build\` first`);
  const probe = (mode: string): { ms: number; subscriptions?: number } => {
    // A fresh process per sample: nothing compiled or cached from an earlier sample.
    const r = spawnSync(process.execPath, ['-e', PROBE, bundle, mode], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`activation probe failed:\n${r.stderr.slice(-2000)}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!);
  };
  const act: number[] = [];
  const comp: number[] = [];
  for (let i = 0; i < runs; i++) {
    const a = probe('activate');
    if ((a.subscriptions ?? 0) < 5) throw new Error('activate() registered fewer than 5 disposables: the probe did not run the real activation');
    act.push(a.ms);
    comp.push(probe('compile').ms);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const activate = med(act);
  const compile = med(comp);
  const build = readFileSync(bundle, 'utf8').includes('sourceMappingURL') ? 'development' : 'production';
  return [{ name: `extension: load + activate() (${build} bundle, fresh process, stub vscode)`, backend: 'node', median_ms: activate, baseline_ms: compile, ratio: compile / activate, target_ms: null, met: null }];
}
