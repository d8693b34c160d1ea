// Every quick fix the engine offers and every `pelens apply` method × target, on every config in every
// form (CRLF, tabs, BOM, no final newline, one line): only the bytes of the intended keys change, the
// result parses, the file keeps its form, and the finding is gone (or the plan is in place).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { main, type Io } from '../../src/cli/main';
import { commitEdit } from '../../src/cli/fileEdit';
import { analyzeText, type Analysis } from '../../src/core/analyze';
import { applyReplace, fixesFor } from '../../src/core/edit/fixes';
import { cannotPlan, METHODS, plan } from '../../src/core/suggest/plan';
import { targetEncoding } from '../../src/core/suggest/suggest';
import type { JsonPath } from '../../src/core/source';
import { hasSharedConfigs, isStrictJson, provoked, sourceConfigs, variants, type EditCase } from './helpers/editCorpus';
import { allowedByteSpans, BOM, changedRegion, commentsKept, formKept, outsideUnchanged, parseErrors, stripBom, type Target } from './helpers/editSpans';

// Every apply fsyncs its file: on a RAM disk that costs nothing, on /tmp about 5 ms each.
const tmp = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'pelens-edits-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** The key each fix is meant to write, by the code of the finding it fixes. */
const FIX_KEY: Record<string, RegExp> = {
  'v4.legacy-type': /^type$/,
  'rope.yarn-no-orig': /^original_max_position_embeddings$/,
  'vllm.yarn-no-orig': /^original_max_position_embeddings$/,
  'lens.max-vs-scaling': /^(max_position_embeddings|n_positions|max_sequence_length|seq_length|n_ctx)$/,
  'rope.factor-mismatch': /^(max_position_embeddings|n_positions|max_sequence_length|seq_length|n_ctx)$/,
  'rope.orig-ge-max': /^(max_position_embeddings|n_positions|max_sequence_length|seq_length|n_ctx)$/,
  'lens.theta-default': /^rope_theta$/,
};


/** The checks every edit must pass, on bytes: outside the targets' spans nothing changed, form kept, parses. */
function checkBytes(what: string, before: Buffer, after: Buffer, targets: readonly Target[]): void {
  const { text, bom } = stripBom(before);
  const spans = allowedByteSpans(text, bom ? BOM.length : 0, targets);
  const region = changedRegion(before, after);
  const where = `${what}: changed bytes ${JSON.stringify(region)}, allowed ${JSON.stringify(spans)}\n--- after:\n${after.toString('utf8')}`;
  assert.ok(region, `${what}: nothing changed`);
  assert.equal(outsideUnchanged(before, after, spans), null, where);
  assert.equal(formKept(before, after), null, where);
  // Where a broken file's tree ends is a guess; the comment check needs a sound one.
  if (parseErrors(text).length === 0) assert.equal(commentsKept(text, stripBom(after).text, targets), null, where);
  const afterText = stripBom(after).text;
  // A file that was broken stays as broken as it was (quick fixes are offered there too), no worse.
  assert.ok(parseErrors(afterText).length <= parseErrors(text).length, `${where}\n${JSON.stringify(parseErrors(afterText))}`);
  if (isStrictJson(text)) assert.doesNotThrow(() => JSON.parse(afterText), where);
}

function withBom(bom: boolean, text: string): Buffer {
  return Buffer.concat([bom ? BOM : Buffer.alloc(0), Buffer.from(text, 'utf8')]);
}

function findingsOf(a: Analysis, encodingIndex: number): { code: string }[] {
  return encodingIndex >= 0 ? a.encodings[encodingIndex]?.findings ?? [] : a.findings;
}

/** Applies every fix the analysis offers, one at a time on the original; returns how many ran. */
function checkFixes(c: EditCase): number {
  const { text, bom } = stripBom(c.bytes);
  const analysis = analyzeText(text);
  const seen = new Set<string>();
  let n = 0;
  for (const { finding, encoding, fix } of fixesFor(analysis, text)) {
    // vllm.* and rope.* yarn findings share one fix; the editor offers it once.
    const id = `${fix.title}@${fix.replace.offset}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const what = `${c.name}: ${fix.title} (${finding.code})`;
    const key = (p: JsonPath): string => String(p[p.length - 1]);
    for (const p of fix.paths) assert.match(key(p), FIX_KEY[finding.code]!, `${what} writes ${p.join('.')}`);
    const afterText = applyReplace(text, fix.replace);
    checkBytes(what, c.bytes, withBom(bom, afterText), fix.paths.map((path) => ({ path, removed: false })));
    const index = encoding ? analysis.encodings.indexOf(encoding) : -1;
    const still = findingsOf(analyzeText(afterText), index).filter((f) => f.code === finding.code);
    assert.deepEqual(still, [], `${what}: the finding is still there`);
    n++;
  }
  return n;
}

/** "Fix all": applying the offered fixes one after another ends with none offered, and still parses. */
function checkFixAll(c: EditCase): void {
  let { text } = stripBom(c.bytes);
  for (let i = 0; i < 10; i++) {
    const [first] = fixesFor(analyzeText(text), text);
    if (!first) return assert.ok(parseErrors(text).length <= parseErrors(stripBom(c.bytes).text).length, c.name);
    text = applyReplace(text, first.fix.replace);
  }
  assert.fail(`${c.name}: fixes do not converge`);
}

const quiet = (log: string[]): Io => ({ out: () => undefined, fail: (m, code) => (log.push(m), code), commit: commitEdit });

/** Below, at and well above the trained length, and a factor that is not a power of two. */
function targetsFor(a: Analysis, all: boolean): number[] {
  const L0 = targetEncoding(a.encodings)?.spec.trainedContext;
  if (!L0) return [4096, 32768];
  return all ? [Math.floor(L0 / 2), 2 * L0, 4 * L0, 16 * L0, Math.round(2.5 * L0) + 3] : [Math.round(2.5 * L0) + 3];
}

/** `pelens apply` for every method × target on a file holding `c`, counting what it wrote and refused. */
async function checkApply(c: EditCase, allTargets: boolean, counts: { written: number; refused: number }): Promise<void> {
  const { text, bom } = stripBom(c.bytes);
  const file = join(tmp, 'config.json');
  const analysis = analyzeText(text);
  const enc = targetEncoding(analysis.encodings);
  // The CLI refuses a file with syntax errors outright (exit 2), before any plan.
  const broken = parseErrors(text).length > 0;
  for (const target of targetsFor(analysis, allTargets)) {
    for (const method of METHODS) {
      writeFileSync(file, c.bytes);
      const log: string[] = [];
      const what = `${c.name}: apply ${method} --target ${target}`;
      const code = await main(['apply', file, '--target', String(target), '--method', method], quiet(log));
      const after = readFileSync(file);
      if (!enc || broken || cannotPlan(enc.spec, method, target)) {
        assert.equal(code, 2, `${what}: ${log.join('; ')}`);
        assert.ok(after.equals(c.bytes), `${what}: refused, yet the file changed`);
        counts.refused++;
        continue;
      }
      assert.equal(code, 0, `${what}: ${log.join('; ')}`);
      const p = plan(enc.spec, method, target);
      const targets = p.edits.map((e) => ({ path: e.path, removed: e.value === undefined }));
      for (const t of targets) {
        const inBlock = p.blockPath.every((k, i) => t.path[i] === k);
        assert.ok(inBlock || String(t.path[t.path.length - 1]) === p.maxKey, `${what}: edits ${t.path.join('.')}`);
      }
      checkBytes(what, c.bytes, after, targets);
      const e = targetEncoding(analyzeText(stripBom(after).text, { target }).encodings)!;
      assert.equal(e.spec.rope?.type, p.ropeType, `${what}: re-analysis reads another rope type`);
      assert.equal(e.spec.maxContext, p.maxPositionEmbeddings, `${what}: re-analysis reads another length`);
      assert.equal(stripBom(after).bom, bom);
      counts.written++;
    }
  }
}

const sources = sourceConfigs();
const forms = sources.flatMap(variants);

describe('edits change only the intended bytes', () => {
  it('finds the configs', () => {
    assert.ok(sources.length >= (hasSharedConfigs ? 30 : 15), `${sources.length} configs`);
    for (const form of ['[tabs]', '[BOM+CRLF]', '[line comments]', '[one line]']) assert.ok(forms.some((c) => c.name.includes(form)), form);
  });

  it('every quick fix, on every config in every form and on provoked mutations', () => {
    const cases = [...forms, ...sources.flatMap(provoked).flatMap(variants)];
    let fixes = 0;
    const codes = new Set<string>();
    for (const c of cases) {
      fixes += checkFixes(c);
      checkFixAll(c);
      for (const { finding } of fixesFor(analyzeText(stripBom(c.bytes).text), stripBom(c.bytes).text)) codes.add(finding.code);
    }
    console.log(`quick fixes: ${fixes} (config × fix) cases over ${cases.length} files; codes ${[...codes].sort().join(', ')}`);
    // Every fix the adapter knows was exercised at least once.
    for (const code of Object.keys(FIX_KEY)) assert.ok(codes.has(code), `no case for ${code}`);
  });

  it('`pelens apply`: every method × target, on every config in every form', async () => {
    const counts = { written: 0, refused: 0 };
    // Five targets for each config as published, one for its other forms (PELENS_EDITS_FULL=1: five for all).
    const full = process.env['PELENS_EDITS_FULL'] === '1';
    for (const c of sources) await checkApply(c, true, counts);
    for (const c of forms) if (!sources.includes(c)) await checkApply(c, full, counts);
    console.log(`pelens apply: ${counts.written} written + ${counts.refused} refused (config × method × target) cases over ${forms.length} files`);
    assert.ok(counts.written > 100);
  });
});
