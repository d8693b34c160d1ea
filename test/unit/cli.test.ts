// The built `pelens` binary as users run it: output shapes, exit codes, one-line errors, SARIF.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const FIX = join(ROOT, 'test', 'fixtures', 'configs');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const tmp = mkdtempSync(join(tmpdir(), 'pelens-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('pelens CLI (dist/cli.js; `npm run build` first)', () => {
  it('analyze --json has the documented shape', () => {
    const r = run('analyze', join(FIX, 'llama_jsonc.json'), '--json');
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.file, join(FIX, 'llama_jsonc.json'));
    const e = j.encodings[0];
    for (const k of ['scope', 'layer', 'kind', 'trainedContext', 'maxContext', 'rope', 'findings', 'extrapolation']) assert.ok(k in e, k);
    for (const k of ['type', 'theta', 'headDim', 'rotaryDim', 'factor', 'seqLen', 'invFreq', 'attentionFactor', 'mropeSection']) assert.ok(k in e.rope, k);
    assert.equal(e.rope.invFreq.length, 64);
    assert.equal(e.extrapolation.verdict, 'within');
  });

  it('analyze text output names the facts', () => {
    const r = run('analyze', join(FIX, 'legacy_type_linear.json'), '--target', '64k');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /linear × 4/);
    assert.match(r.stdout, /trained context\s+4,096/);
    assert.match(r.stdout, /at 65,536 tokens\s+beyond/);
  });

  it('usage and input errors: exit 2, one line, no stack trace', () => {
    for (const args of [['analyze', join(tmp, 'missing.json')], ['analyze', join(FIX, 'broken.json')], ['analyze', join(FIX, 'not_a_model.json')], ['analyze'], ['frobnicate', 'x'], ['analyze', 'x', '--target', 'abc'], ['analyze', join(FIX, 'llama_jsonc.json'), '--bogus']]) {
      const r = run(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'stack trace');
      assert.match(r.stderr.split('\n')[0]!, /^pelens: /);
    }
    assert.match(run('analyze', join(FIX, 'broken.json')).stderr, /invalid JSON/);
    assert.match(run('analyze', join(FIX, 'not_a_model.json')).stderr, /No model keys/);
  });

  it('check exits 1 on error findings and 0 on clean configs; folders are searched', () => {
    assert.equal(run('check', join(FIX, 'llama3_missing_low.json')).status, 1);
    assert.equal(run('check', join(FIX, 'llama_jsonc.json')).status, 0);
    const dir = join(tmp, 'repo', 'models', 'a');
    spawnSync('mkdir', ['-p', dir]);
    copyFileSync(join(FIX, 'llama_jsonc.json'), join(dir, 'config.json'));
    writeFileSync(join(tmp, 'repo', 'package.json'), '{"name":"x"}');
    const r = run('check', join(tmp, 'repo'));
    assert.equal(r.status, 0, r.stdout);
    assert.match(r.stdout, /1 file\(s\) checked/);
  });

  it('check --sarif is SARIF 2.1.0 with 1-based locations', () => {
    const r = run('check', join(FIX, 'llama3_missing_low.json'), '--sarif');
    const s = JSON.parse(r.stdout);
    assert.equal(s.version, '2.1.0');
    const res = s.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'rope.missing-keys');
    assert.equal(res.level, 'error');
    assert.equal(res.locations[0].physicalLocation.region.startLine, 7);
    assert.ok(s.runs[0].tool.driver.rules.some((x: { id: string }) => x.id === 'rope.missing-keys'));
  });

  it('suggest and apply', () => {
    const r = run('suggest', join(FIX, 'llama_jsonc.json'), '--target', '16384', '--json');
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.suggestions.length, 6);
    assert.ok(j.suggestions.find((s: { method: string }) => s.method === 'longrope').applicable === false);
    const out = join(tmp, 'applied.json');
    const a = run('apply', join(FIX, 'llama_jsonc.json'), '--target', '16384', '--method', 'yarn', '-o', out);
    assert.equal(a.status, 0, a.stderr);
    const text = readFileSync(out, 'utf8');
    assert.match(text, /\/\/ A Llama-2-style config/);
    assert.match(text, /"factor": 4\.0/);
    assert.equal(run('check', out).status, 0);
    assert.equal(run('apply', join(FIX, 'llama_jsonc.json'), '--target', '16384', '--method', 'longrope', '-o', out).status, 2);
  });
});
