// `npm run fuzz -- 20000`: the robustness properties with many more cases than `npm test`'s quick profile.
import { spawnSync } from 'node:child_process';

const runs = Number(process.argv[2] ?? 10000);
if (!Number.isInteger(runs) || runs <= 0) {
  console.error('usage: npm run fuzz -- <number of cases>');
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', 'test/unit/robustness.test.ts'], { stdio: 'inherit', env: { ...process.env, PELENS_FUZZ_RUNS: String(runs) } });
process.exit(r.status ?? 1);
