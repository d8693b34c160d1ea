// `npm run bench [-- --json]`: what users feel, each against a baseline measured in the same run.
//   engine  — analyse each config (parse + RoPE + findings + extrapolation) vs JSON.parse of the same text
//   hover   — the full hover (fresh analysis + Markdown + chart) per key
//   CLI     — `pelens check` on one config and on 100 configs, whole process, vs `node -e 0`
//   kernels — ORT wasm vs float64 JS (kernels.ts)
//   panel   — first render and update after a target change in headless Chromium (the browser test's figures)
//   scale   — a config at the size limit, the 10 GB sparse GGUF header (scale.ts)
//   activation — load the bundle and run activate() in a fresh process (activation.ts)
//   package — .vsix size (packaged afresh, production build)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { packageVsix } from '../harness/packageVsix.mjs';
import { analyzeText } from '../../src/core/analyze';
import { hoverAt } from '../../src/extension/hoverContent';
import { benchActivation } from './activation';
import { benchKernels } from './kernels';
import { benchScale } from './scale';
import { median, medianPerCall, type Result } from './measure';

const ROOT = join(__dirname, '..', '..');
const SHARED = join(ROOT, '..', 'shared', 'corpus', 'configs');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'configs');
const json = process.argv.includes('--json');
const skipKernels = process.argv.includes('--no-kernels');

function configs(): { name: string; text: string }[] {
  const dir = existsSync(SHARED) ? SHARED : FIXTURES;
  return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => ({ name: f, text: readFileSync(join(dir, f), 'utf8') }))
    .filter((c) => analyzeText(c.text).encodings.length > 0);
}

function engine(list: { name: string; text: string }[]): Result[] {
  return list.map(({ name, text }) => {
    const ms = medianPerCall(() => analyzeText(text));
    const base = medianPerCall(() => JSON.parse(text.replace(/\/\/.*$/gm, '').replace(/,(\s*[}\]])/g, '$1')));
    return { name: `engine: analyse ${name}`, backend: 'node', median_ms: ms, baseline_ms: base, ratio: base / ms, target_ms: 1, met: ms <= 1 };
  });
}

function hover(list: { name: string; text: string }[]): Result[] {
  const out: Result[] = [];
  for (const key of ['rope_theta', 'rope_scaling', 'max_position_embeddings']) {
    const times: number[] = [];
    const bases: number[] = [];
    for (const { text } of list) {
      const offset = text.indexOf(`"${key}"`);
      if (offset < 0 || !hoverAt(analyzeText(text), offset + 2)) continue;
      // A hover right after an edit: nothing cached, the analysis and the chart are computed from scratch.
      times.push(medianPerCall(() => hoverAt(analyzeText(text), offset + 2), 10));
      bases.push(medianPerCall(() => analyzeText(text), 10));
    }
    if (!times.length) continue;
    const avg = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ms = avg(times);
    const base = avg(bases);
    out.push({ name: `hover: ${key} (median over ${times.length} configs)`, backend: 'node', median_ms: ms, baseline_ms: base, ratio: base / ms, target_ms: 5, met: ms <= 5 });
  }
  return out;
}

async function cli(list: { name: string; text: string }[]): Promise<Result[]> {
  const cliJs = join(ROOT, 'dist', 'cli.js');
  if (!existsSync(cliJs)) throw new Error('dist/cli.js missing: run `npm run build` first');
  const dir = mkdtempSync(join(tmpdir(), 'pelens-bench-'));
  try {
    const one = join(dir, 'config.json');
    copyFileSync(join(existsSync(SHARED) ? SHARED : FIXTURES, list[0]!.name), one);
    for (let i = 0; i < 100; i++) {
      mkdirSync(join(dir, 'repo', `m${i}`), { recursive: true });
      copyFileSync(join(existsSync(SHARED) ? SHARED : FIXTURES, list[i % list.length]!.name), join(dir, 'repo', `m${i}`, 'config.json'));
    }
    const run = (...args: string[]) => () => spawnSync(process.execPath, args, { stdio: 'ignore' });
    const nodeOnly = await median(run('-e', '0'), 5, 1);
    const single = await median(run(cliJs, 'check', one), 5, 1);
    const folder = await median(run(cliJs, 'check', join(dir, 'repo')), 5, 1);
    return [
      { name: 'cli: pelens check, one config (whole process)', backend: 'node', median_ms: single, baseline_ms: nodeOnly, ratio: nodeOnly / single, target_ms: null, met: null },
      { name: 'cli: pelens check, folder of 100 configs', backend: 'node', median_ms: folder, baseline_ms: nodeOnly, ratio: nodeOnly / folder, target_ms: null, met: null },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the panel's WASM browser scenario a few times and takes the medians of the figures it reports. */
function panel(runs = 3): Result[] {
  if (!existsSync('/usr/bin/chromium')) return [];
  const first: number[] = [];
  const firstOrt: number[] = [];
  const update: number[] = [];
  const updateOrt: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-name-pattern=^WASM', join(ROOT, 'test', 'browser', 'panel.test.ts')], { cwd: ROOT, encoding: 'utf8' });
    const f = /first render (\d+) ms \(webview \d+ ms, ORT (\d+) ms\)/.exec(r.stdout);
    const u = /update after target change: (\d+) ms \(webview \d+ ms, ORT (\d+) ms\)/.exec(r.stdout);
    if (!f || !u) throw new Error(`panel scenario did not report its timings:\n${r.stdout.slice(-2000)}`);
    first.push(Number(f[1]));
    firstOrt.push(Number(f[2]));
    update.push(Number(u[1]));
    updateOrt.push(Number(u[2]));
  }
  const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return [
    // Baseline: the ORT share of the same render, so the ratio says how much is compute vs drawing.
    { name: 'panel: first render after open (Llama 3.1, 5 methods, 1M target)', backend: 'ort-wasm', median_ms: med(first), baseline_ms: med(firstOrt), ratio: med(firstOrt) / med(first), target_ms: null, met: null },
    { name: 'panel: update after a target change', backend: 'ort-wasm', median_ms: med(update), baseline_ms: med(updateOrt), ratio: med(updateOrt) / med(update), target_ms: 100, met: med(update) <= 100 },
  ];
}

/** Packages the extension now (production build, as users get it): its size, and its extension.js. */
function vsix(): { results: Result[]; bundle: string; dir: string } {
  const out = packageVsix();
  const size = statSync(out).size / 1048576;
  const dir = mkdtempSync(join(tmpdir(), 'pelens-vsix-'));
  const unzip = spawnSync('unzip', ['-q', out, 'extension/dist/extension.js', '-d', dir]);
  const bundle = unzip.status === 0 ? join(dir, 'extension', 'dist', 'extension.js') : join(ROOT, 'dist', 'extension.js');
  return { results: [{ name: `package: ${basename(out)} size (MB, not ms)`, backend: 'file', median_ms: size, baseline_ms: null, ratio: null, target_ms: 10, met: size <= 10 }], bundle, dir };
}

async function main(): Promise<void> {
  const list = configs();
  const results = [...engine(list), ...hover(list), ...(await cli(list)), ...(skipKernels ? [] : await benchKernels()), ...(process.argv.includes('--no-panel') ? [] : panel()), ...(await benchScale())];
  const packaged = vsix();
  try {
    results.push(...benchActivation(packaged.bundle), ...packaged.results);
  } finally {
    rmSync(packaged.dir, { recursive: true, force: true });
  }
  if (json) {
    console.log(JSON.stringify({ results }, null, 2));
    return;
  }
  console.log(`node ${process.version}; medians after warm-up; ratio = baseline / median\n`);
  const w = Math.max(...results.map((r) => r.name.length));
  console.log(`${'name'.padEnd(w)}  ${'median'.padStart(9)}  ${'baseline'.padStart(9)}  ${'ratio'.padStart(7)}  target  met`);
  for (const r of results) {
    const f = (x: number | null) => (x === null ? '—' : x < 10 ? x.toFixed(3) : x.toFixed(1));
    console.log(`${r.name.padEnd(w)}  ${f(r.median_ms).padStart(9)}  ${f(r.baseline_ms).padStart(9)}  ${(r.ratio === null ? '—' : r.ratio.toFixed(2) + '×').padStart(7)}  ${(r.target_ms === null ? '—' : '≤' + r.target_ms).padStart(6)}  ${r.met === null ? '—' : r.met ? 'yes' : 'NO'}`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
