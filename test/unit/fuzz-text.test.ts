// Property tests of the text formats through analyzeSource (JSON/JSONC configs and training YAML, read
// through a counting ByteSource): the shared configs mutated as text and as bytes, YAML recipes with
// anchors, aliases, tags and special floats spliced in, alias bombs, and LLaMA-Factory's length formula
// with every base length. Every case: no throw, one bounded read, a sane analysis, finite hovers, quickly.
// `npm run fuzz -- N` runs N cases of each property.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyzeSource, type FileKind } from '../../src/core/analyzeFile';
import { analyzeText, analyzeTree } from '../../src/core/analyze';
import { MemoryByteSource, type ByteSource } from '../../src/core/formats/byteSource';
import { parseYaml } from '../../src/core/formats/yaml';
import { trainingYamlToConfig } from '../../src/core/formats/yamlConfig';
import { hoverAt } from '../../src/extension/hoverContent';
import { assertNoNonFinite, bounded, CountingSource, mutated, mutatedText, runs, seed, SparseSource, testTimeout } from './helpers/fuzz';
import { assertAnalysisSane } from './helpers/fuzzChecks';
import { aliasBomb, JSON_TOKENS, jsonSeeds, YAML_SEEDS, YAML_TOKENS } from './helpers/fuzzText';

const MAX_TEXT_BYTES = 64 * 1024 * 1024; // analyzeFile.ts: text formats larger than this are not configs
const JSON_SEEDS = jsonSeeds();
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** analyzeSource's contract for a text file, then a hover on every key it has (at most `hovers` of them). */
async function checkText(kind: FileKind, inner: ByteSource, hovers = 12): Promise<void> {
  const src = new CountingSource(inner);
  const a = await bounded(`analyzeSource(${kind})`, () => analyzeSource(kind, src, { target: 1_000_000, seqLen: 65536 }));
  assert.ok(src.reads <= 1 && src.requested <= Math.min(src.size, MAX_TEXT_BYTES), `${src.reads} reads, ${src.requested} bytes`);
  assertAnalysisSane(a, kind);
  if (src.size <= MAX_TEXT_BYTES) assert.equal(typeof a.text, 'string', 'text formats keep their text');
  const offsets: number[] = [];
  const walk = (n: typeof a.root): void => {
    if (!n || offsets.length >= hovers) return;
    if (n.keyOffset !== undefined) offsets.push(n.keyOffset + 1);
    for (const c of n.children?.values() ?? []) walk(c);
    for (const c of n.items ?? []) walk(c);
  };
  walk(a.root);
  await bounded('hovers', () => {
    for (const offset of offsets) {
      const h = hoverAt(a, offset);
      if (h) assertNoNonFinite(h.markdown, `hover at ${offset}`);
    }
  });
}

describe('fuzz: JSON and YAML configs', () => {
  it('shared configs mutated as text (splices, odd tokens, repeats, truncation)', { timeout: testTimeout(150, 200) }, async () => {
    await fc.assert(fc.asyncProperty(mutatedText(fc.constantFrom(...JSON_SEEDS), JSON_TOKENS), async (text) => {
      await checkText('json', new MemoryByteSource(utf8(text)));
    }), { numRuns: runs(150), seed: seed(41) });
  });

  it('shared configs mutated as bytes (invalid UTF-8 included)', { timeout: testTimeout(100, 200) }, async () => {
    await fc.assert(fc.asyncProperty(mutated(fc.constantFrom(...JSON_SEEDS.map(utf8)), 4), async (bytes) => {
      await checkText('json', new MemoryByteSource(bytes));
    }), { numRuns: runs(100), seed: seed(42) });
  });

  it('arbitrary JSON values and arbitrary text, as JSON and as YAML', { timeout: testTimeout(100, 100) }, async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(fc.json({ maxDepth: 4 }), fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 100 })), async (text) => {
      await checkText('json', new MemoryByteSource(utf8(text)));
      await checkText('yaml', new MemoryByteSource(utf8(text)));
    }), { numRuns: runs(100), seed: seed(43) });
  });

  it('training recipes with anchors, aliases, tags and special floats spliced in', { timeout: testTimeout(150, 200) }, async () => {
    await fc.assert(fc.asyncProperty(mutatedText(fc.constantFrom(...YAML_SEEDS), YAML_TOKENS), async (text) => {
      await checkText('yaml', new MemoryByteSource(utf8(text)));
    }), { numRuns: runs(150), seed: seed(44) });
  });

  it('alias bombs stay bounded (width^depth values if expanded)', { timeout: testTimeout(10, 2000) }, async () => {
    await fc.assert(fc.asyncProperty(aliasBomb, async (text) => {
      await checkText('yaml', new MemoryByteSource(utf8(text)), 4);
    }), { numRuns: Math.min(runs(10), 198), seed: seed(45) }); // 198 shapes exist; each costs a full 100k-node conversion
  });

  it('LLaMA-Factory\'s factor = ceil(cutoff_len / base) for every cutoff and base length', { timeout: testTimeout(200) }, async () => {
    const edge = fc.constantFrom(0, -1, 0.5, 1, 2048, 4096, 131072, 1e308, -1e308, 2 ** 53, NaN, Infinity, -Infinity, 1e-320);
    const cutoff = fc.oneof(edge.map((v) => (Number.isFinite(v) ? String(v) : v > 0 ? '.inf' : v < 0 ? '-.inf' : '.nan')), fc.constantFrom('"4096"', 'null', '[]', '{}'));
    await fc.assert(fc.asyncProperty(cutoff, edge, fc.constantFrom('linear', 'dynamic', 'yarn', 'llama3'), fc.boolean(), async (c, base, type, train) => {
      const text = `model_name_or_path: m\nrope_scaling: ${type}\ncutoff_len: ${c}\ndo_train: ${train}\n`;
      const doc = parseYaml(text);
      const cfg = await bounded('trainingYamlToConfig', () => trainingYamlToConfig(doc.root, { baseMaxPositions: base }));
      const a = analyzeTree(cfg.root, doc.lines, { target: 1_000_000 }, [...doc.findings, ...cfg.findings]);
      assertAnalysisSane(a, `cutoff_len ${c}, base ${base}`);
      for (const f of cfg.findings) assertNoNonFinite(f.message, `${f.code}`);
    }), { numRuns: runs(200), seed: seed(46) });
  });

  it('text files past the size limit are refused without a read', async () => {
    for (const kind of ['json', 'yaml'] as const) {
      const src = new CountingSource(new SparseSource(new Uint8Array(0), MAX_TEXT_BYTES + 1));
      const a = await analyzeSource(kind, src);
      assert.deepEqual(a.findings.map((f) => f.code), ['file.too-large']);
      assert.equal(src.reads, 0);
    }
  });

  describe('regressions', () => {
    it('an empty or comment-only config is a finding, not silence (the CLI passed it)', () => {
      for (const text of ['', '  \n', '// nothing yet\n']) assert.deepEqual(analyzeText(text).findings.map((f) => f.code), ['file.no-model-keys'], JSON.stringify(text));
    });

    it('hidden_size not divisible by a class-default head count names the key, not "undefined"', () => {
      const a = analyzeText('{"model_type": "phi3", "hidden_size": 4}');
      const f = a.encodings[0]!.findings.find((x) => x.code === 'dims.indivisible');
      assert.equal(f?.message.startsWith('hidden_size (4) is not divisible by num_attention_heads (32, the phi3 class default);'), true, f?.message);
    });

    it('a scaling factor of 0 gives unscaled frequencies (it gave Infinity), with the validation warning', () => {
      const a = analyzeText('{"model_type": "llama", "head_dim": 8, "rope_scaling": {"type": "linear", "factor": 0}}');
      assert.deepEqual(a.encodings[0]!.rope!.invFreq, [0, 1, 2, 3].map((i) => 1 / Math.pow(10000, (2 * i) / 8)));
      assert.ok(a.encodings[0]!.findings.some((f) => f.code === 'rope.factor-range'));
    });

    it('LLaMA-Factory: a cutoff_len of .inf is an error, a NaN base length counts as missing', () => {
      const doc = parseYaml('model_name_or_path: m\nrope_scaling: linear\ncutoff_len: .inf\ndo_train: true\n');
      assert.deepEqual(trainingYamlToConfig(doc.root, { baseMaxPositions: 4096 }).findings.map((f) => f.code), ['yaml.bad-cutoff']);
      const ok = parseYaml('model_name_or_path: m\nrope_scaling: linear\ncutoff_len: 8192\ndo_train: true\n');
      assert.deepEqual(trainingYamlToConfig(ok.root, { baseMaxPositions: NaN }).findings.map((f) => f.code), ['yaml.factor-needs-base-config']);
    });

    it('a rope_scaling key with a dot next to its plain form does not throw (it wrote into the number 4)', async () => {
      const text = 'base_model: m\nrope_scaling:\n  type: linear\n  factor: 4\n  factor.inf: 4.0\noverrides_of_model_config:\n  rope_theta: 10000\n  rope_theta.x: 1\n';
      await checkText('yaml', new MemoryByteSource(utf8(text)));
      assert.deepEqual(trainingYamlToConfig(parseYaml(text).root).config, { rope_scaling: { type: 'linear', factor: 4 }, rope_theta: 10000 });
    });

    it('an alias bomb of 10^12 values stops at the node cap in one pass (each alias resolved once: it took 6 s)', async () => {
      // Resolving an alias walks the whole document, so 300 plain keys made each of the 100k expansions slow.
      const lines = [...Array.from({ length: 300 }, (_, i) => `key${i}: ${i}`), 'l0: &l0 [1, 2]'];
      for (let d = 1; d <= 12; d++) lines.push(`l${d}: &l${d} [${Array.from({ length: 10 }, () => `*l${d - 1}`).join(', ')}]`);
      const doc = await bounded('parseYaml', () => parseYaml(lines.join('\n')));
      assert.deepEqual(doc.findings.map((f) => f.code), ['yaml.too-large']);
    });
  });
});
