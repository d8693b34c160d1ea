// `npm run fuzz -- 20000`: every property-based test file with N cases per property instead of `npm test`'s
// quick profile. PELENS_FUZZ_SEED=k shifts every property to fresh cases; fast-check prints the seed and
// the shrunk counterexample of any failure. Prints the wall time of each file.
import { spawnSync } from 'node:child_process';

const FILES = [
  'test/unit/robustness.test.ts', // arbitrary values in position keys, mutated shared configs
  'test/unit/fuzz-text.test.ts', // JSON/JSONC and training YAML through analyzeSource
  'test/unit/fuzz-gguf.test.ts', // GGUF headers, mutated files, sparse 10 GB files
  'test/unit/fuzz-safetensors.test.ts', // safetensors headers, position tables, shard indexes
  'test/unit/fuzz-surfaces.test.ts', // numeric edges in formulas, hovers, SVG charts
];

const runs = Number(process.argv[2] ?? 10000);
if (!Number.isInteger(runs) || runs <= 0) {
  console.error('usage: npm run fuzz -- <number of cases> [test file filter]');
  process.exit(2);
}
const only = process.argv[3];
const files = only ? FILES.filter((f) => f.includes(only)) : FILES;
const env = { ...process.env, PELENS_FUZZ_RUNS: String(runs) };
let failed = 0;
const times = [];
// One file at a time: the properties are CPU-bound, and the hang bound must not measure a neighbour's work.
for (const file of files) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', file], { stdio: 'inherit', env });
  times.push(`${file}: ${((Date.now() - t0) / 1000).toFixed(1)} s${r.status === 0 ? '' : ' (FAILED)'}`);
  if (r.status !== 0) failed++;
}
console.log(`\n${runs} cases per property:\n  ${times.join('\n  ')}`);
process.exit(failed ? 1 : 0);
