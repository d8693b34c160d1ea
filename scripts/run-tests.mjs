// `npm test`: every suite in one command (unit → VS Code integration → browser end-to-end), each stage's
// counts summed into one closing line `N passed, N failed` that CI reads. `npm run pretest` builds first.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';

const stages = [
  { name: 'unit', cmd: ['node', '--import', 'tsx', '--test', '--test-reporter=spec', 'test/unit/*.test.ts'] },
  // Installs code-server, Node 24 and Chromium into .cache/ on first run (apt/npm only), reused afterwards.
  { name: 'harness install', cmd: ['node', 'scripts/harness/install.mjs'], counts: false },
  { name: 'panel in headless Chromium', cmd: ['node', '--import', 'tsx', '--test', '--test-reporter=spec', 'test/browser/*.test.ts'] },
  { name: 'VS Code integration (code-server)', cmd: ['node', 'scripts/harness/runIntegration.mjs'] },
  { name: 'browser end-to-end (Chromium + code-server)', cmd: ['node', '--import', 'tsx', '--test', '--test-reporter=spec', 'test/e2e/*.e2e.ts'] },
];

/** Expands `dir/*.ext` arguments (Node 20 has no fs.globSync; no shell is involved). */
function expand(args) {
  return args.flatMap((a) => {
    if (!a.includes('*')) return [a];
    const dir = a.slice(0, a.lastIndexOf('/'));
    const re = new RegExp('^' + a.slice(a.lastIndexOf('/') + 1).replace(/\./g, '\\.').replace(/\*/g, '.*') + '$');
    return readdirSync(dir).filter((f) => re.test(f)).sort().map((f) => `${dir}/${f}`);
  });
}

function run(cmd) {
  return new Promise((resolve) => {
    const child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const tee = (stream, sink) => stream.on('data', (d) => { out += d; sink.write(d); });
    tee(child.stdout, process.stdout);
    tee(child.stderr, process.stderr);
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

/** Counts from node's test runner (`ℹ pass N`) or our harness (`N passed, N failed`). */
function counts(out) {
  const strip = out.replace(/\x1b\[[0-9;]*m/g, '');
  const node = [/^[ℹ#] pass (\d+)$/m, /^[ℹ#] fail (\d+)$/m].map((re) => re.exec(strip));
  if (node[0]) return { passed: Number(node[0][1]), failed: Number(node[1]?.[1] ?? 0) };
  const plain = [...strip.matchAll(/^(\d+) passed, (\d+) failed/gm)].pop();
  return plain ? { passed: Number(plain[1]), failed: Number(plain[2]) } : { passed: 0, failed: 1 };
}

let passed = 0;
let failed = 0;
let bad = false;
for (const stage of stages) {
  console.log(`\n=== ${stage.name} ===`);
  const { code, out } = await run(expand(stage.cmd));
  const c = stage.counts === false ? { passed: 0, failed: code === 0 ? 0 : 1 } : counts(out);
  passed += c.passed;
  failed += c.failed;
  if (code !== 0) bad = true;
  console.log(`=== ${stage.name}: ${c.passed} passed, ${c.failed} failed (exit ${code}) ===`);
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(bad || failed > 0 ? 1 : 0);
