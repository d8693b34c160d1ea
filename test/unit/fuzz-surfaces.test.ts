// Numeric edges (0, negatives, NaN, ±Infinity, 1e308, non-integers, strings, nulls, empty and enormous
// arrays) through everything that prints numbers: the formulas, the hover and the SVG charts. No throw,
// no NaN or Infinity in what is shown, bounded output, and no hang. `npm run fuzz -- N` runs N cases each.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyzeText } from '../../src/core/analyze';
import { alibiSlopes, t5Bucket, t5SaturationDistance } from '../../src/core/encodings/relative';
import { alibiSlopesChart, CHART_SIZE, scoreDecayChart, t5BucketChart, wavelengthChart } from '../../src/core/report/svg';
import { computeRope } from '../../src/core/rope/frequencies';
import type { RopeParams } from '../../src/core/spec';
import { hoverAt } from '../../src/extension/hoverContent';
import { analysisReport } from '../../src/extension/markdown';
import { assertNoNonFinite, bounded, runs, seed, testTimeout } from './helpers/fuzz';
import { assertAnalysisSane } from './helpers/fuzzChecks';

/** Every number a file or a caller can hand over. */
const edge = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, -0, -1, 1, 2, 0.5, 1e-320, 1e308, -1e308, 2 ** 53, 7.5, 4096, 131072, NaN, Infinity, -Infinity) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer() },
);
/** Arrays of edges, including empty and enormous ones (built at map time so generation stays cheap). */
const edgeArray = fc.oneof(
  fc.array(edge, { maxLength: 80 }),
  fc.tuple(fc.constantFrom(0, 1, 1000, 40_000, 70_000), edge, fc.boolean()).map(([n, v, ramp]) => Array.from({ length: n }, (_, i) => (ramp ? v / (i + 1) : v))),
);
/** SVG and Markdown that show numbers must show finite ones, and stay small enough to hover. */
const MAX_SVG = 64 * 1024;
const MAX_HOVER = 200 * 1024;

function checkSvg(svg: string, what: string): void {
  assertNoNonFinite(svg, what);
  assert.ok(svg.startsWith('<svg') && svg.endsWith('</svg>'), `${what}: not an SVG`);
  assert.ok(svg.length <= MAX_SVG, `${what}: ${svg.length} characters`);
}

const POSITION_KEYS = ['rope_theta', 'max_position_embeddings', 'original_max_position_embeddings', 'head_dim', 'hidden_size', 'num_attention_heads', 'n_head', 'partial_rotary_factor', 'rotary_dim', 'sliding_window', 'seq_length', 'relative_attention_num_buckets', 'relative_attention_max_distance', 'image_size', 'patch_size', 'qk_rope_head_dim', 'alibi_bias_max'];
const ROPE_KEYS = ['factor', 'original_max_position_embeddings', 'attention_factor', 'beta_fast', 'beta_slow', 'mscale', 'mscale_all_dim', 'low_freq_factor', 'high_freq_factor', 'short_factor', 'long_factor', 'mrope_section', 'rope_theta', 'truncate'];
const MODEL_TYPES = ['llama', 'bloom', 't5', 'gpt2', 'vit', 'qwen2_vl', 'gemma3_text', 'mpt', 'falcon', 'deepseek_v3', 'phi3', 'bert'];
/** A JSON value as a file holds it: numbers that JSON cannot hold become null, strings or huge literals. */
const jsonEdge = fc.oneof(
  { weight: 4, arbitrary: edge.map((v) => (Number.isFinite(v) ? v : null)) },
  { weight: 1, arbitrary: fc.constantFrom('1e999', '-1e999', '4096', 'NaN', '', 'yarn', 'linear', 'llama3', 'longrope', 'dynamic') },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}) },
  { weight: 1, arbitrary: edgeArray.map((a) => a.slice(0, 300).map((v) => (Number.isFinite(v) ? v : 0))) },
);
const ropeDict = fc.record({ rope_type: fc.constantFrom('yarn', 'linear', 'dynamic', 'llama3', 'longrope', 'proportional', 'default', 'su', 'mrope'), rest: fc.dictionary(fc.constantFrom(...ROPE_KEYS), jsonEdge, { maxKeys: 6 }) })
  .map(({ rope_type, rest }) => ({ rope_type, ...rest }));
const configText = fc
  .record({ model_type: fc.constantFrom(...MODEL_TYPES), keys: fc.dictionary(fc.constantFrom(...POSITION_KEYS), jsonEdge, { maxKeys: 8 }), rope: fc.option(ropeDict, { nil: undefined }), alibi: fc.boolean(), huge: fc.boolean() })
  .map(({ model_type, keys, rope, alibi, huge }) => {
    const cfg: Record<string, unknown> = { model_type, ...keys };
    if (rope) cfg['rope_scaling'] = rope;
    if (alibi) cfg['alibi'] = true;
    // A literal JSON.parse makes Infinity, which JSON.stringify cannot write.
    const text = JSON.stringify(cfg, null, 1);
    return huge ? text.replace(/"(rope_theta|max_position_embeddings)": [^,\n}]+/, '"$1": 1e999') : text;
  });

function keyOffsets(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/"([a-z_]+)":/g)) if (m.index !== undefined) out.push(m.index + 2);
  return out;
}

describe('fuzz: numeric edges in formulas, hovers and charts', () => {
  it('computeRope: any parameters give finite, non-negative frequencies and a finite attention factor', { timeout: testTimeout(400) }, () => {
    const params = fc.record({
      type: fc.constantFrom('default', 'linear', 'dynamic', 'yarn', 'longrope', 'llama3', 'proportional'),
      theta: fc.oneof(fc.constantFrom(10000, 1.0001, 1e308, 500000), fc.double({ min: 1.0001, max: 1e12, noNaN: true })),
      headDim: fc.constantFrom(2, 4, 64, 128, 4096), partial: fc.constantFrom(1, 0.5, 0.25),
      factor: fc.option(edge, { nil: null }), orig: fc.option(edge, { nil: null }), attention: fc.option(edge, { nil: null }),
      betaFast: fc.option(edge, { nil: null }), betaSlow: fc.option(edge, { nil: null }), mscale: fc.option(edge, { nil: null }), mscaleAllDim: fc.option(edge, { nil: null }),
      low: fc.option(edge, { nil: null }), high: fc.option(edge, { nil: null }), short: fc.option(edgeArray, { nil: null }), long: fc.option(edgeArray, { nil: null }),
      L: edge, seqLen: fc.option(edge, { nil: null }), profile: fc.constantFrom('v5' as const, 'v4' as const), truncate: fc.option(fc.boolean(), { nil: null }),
    });
    fc.assert(fc.property(params, (q) => {
      const rotaryDim = Math.floor(q.headDim * q.partial);
      const p: RopeParams = {
        type: q.type, rawType: q.type, typeKey: 'rope_type', theta: q.theta, headDim: q.headDim, rotaryDim, partialRotaryFactor: q.partial,
        factor: q.factor, originalMaxPositionEmbeddings: q.orig, attentionFactor: q.attention, betaFast: q.betaFast, betaSlow: q.betaSlow,
        mscale: q.mscale, mscaleAllDim: q.mscaleAllDim, truncate: q.truncate, lowFreqFactor: q.low, highFreqFactor: q.high,
        shortFactor: q.short, longFactor: q.long, mropeSection: null, mropeInterleaved: false, entries: {}, hasDict: true, dictPath: ['rope_scaling'], layout: 'rope_scaling', ignoreKeys: [],
      };
      const r = computeRope(p, { maxPositionEmbeddings: q.L, seqLen: q.seqLen, profile: q.profile });
      for (const f of r.invFreq) assert.ok(Number.isFinite(f) && f >= 0, `inverse frequency ${f}`);
      assert.ok(Number.isFinite(r.attentionFactor), `attention factor ${r.attentionFactor}`);
    }), { numRuns: runs(400), seed: seed(31) });
  });

  it('ALiBi slopes and T5 buckets: finite, in range, for any head count, bucket count and distance', { timeout: testTimeout(400) }, () => {
    fc.assert(fc.property(edge, edge, edge, edge, fc.boolean(), (heads, bias, buckets, distance, bidirectional) => {
      const slopes = alibiSlopes(heads, bias);
      assert.ok(slopes.length <= 65536 && slopes.every(Number.isFinite), 'slopes');
      const nb = Math.max(1, Math.min(1024, Math.floor(Math.abs(buckets)) || 32));
      const md = Number.isFinite(distance) && distance > 0 ? Math.min(distance, 1e12) : 128;
      for (const rel of [0, -1, 1, -7, 100, -1000, 2 ** 30, -(2 ** 30)]) {
        const b = t5Bucket(rel, nb, md, bidirectional);
        assert.ok(Number.isInteger(b) && b >= 0 && b < Math.max(1, nb), `bucket ${b} of ${nb} (max distance ${md}, position ${rel})`);
      }
      assert.ok(Number.isFinite(t5SaturationDistance(nb, md, bidirectional)));
    }), { numRuns: runs(400), seed: seed(32) });
  });

  it('SVG charts: any numbers give finite coordinates and labels, a bounded size, quickly', { timeout: testTimeout(60, 1000) }, async () => {
    const size = fc.oneof({ weight: 4, arbitrary: fc.constant(CHART_SIZE) }, { weight: 1, arbitrary: fc.record({ width: fc.constantFrom(0, 1, 60, 320, 2000), height: fc.constantFrom(0, 1, 40, 140, 800) }) });
    await fc.assert(fc.asyncProperty(edgeArray, edge, fc.option(edge, { nil: null }), fc.option(edge, { nil: null }), edge, edge, fc.boolean(), size, async (values, scalar, trained, claimed, a, b, flag, sz) => {
      await bounded('charts', () => {
        checkSvg(wavelengthChart(values, trained, claimed, sz), 'wavelengthChart');
        checkSvg(scoreDecayChart(values, scalar, a, trained, sz), 'scoreDecayChart');
        checkSvg(alibiSlopesChart(values, sz), 'alibiSlopesChart');
        checkSvg(t5BucketChart(a, b, flag, sz), 't5BucketChart');
      });
    }), { numRuns: runs(60), seed: seed(33) });
  });

  it('configs with numeric edges in every position key: hovers on every key and the Markdown report', { timeout: testTimeout(250, 200) }, async () => {
    await fc.assert(fc.asyncProperty(configText, async (text) => {
      const a = await bounded('analyzeText', () => analyzeText(text, { target: 1_000_000 }));
      assertAnalysisSane(a, 'config');
      await bounded('hovers', () => {
        for (const offset of keyOffsets(text)) {
          const h = hoverAt(a, offset);
          if (!h) continue;
          assertNoNonFinite(h.markdown, `hover at ${offset}`);
          assert.ok(h.markdown.length <= MAX_HOVER, `hover of ${h.markdown.length} characters`);
        }
      });
      const report = await bounded('analysisReport', () => analysisReport('fuzz', a, { charts: true }));
      assert.ok(report.length <= 1_000_000, `report of ${report.length} characters`);
    }), { numRuns: runs(250), seed: seed(34) });
  });

  describe('regressions', () => {
    const hover = (text: string, key: string): string => hoverAt(analyzeText(text), text.indexOf(`"${key}"`) + 2)?.markdown ?? '';

    it('T5 with max_distance at the exact-offset range: a finding, and no NaN in the bucket chart', () => {
      const text = '{"model_type": "t5", "relative_attention_num_buckets": 32, "relative_attention_max_distance": 8}';
      assert.deepEqual(analyzeText(text).encodings[0]!.findings.map((f) => [f.code, f.severity]), [['t5.max-distance-too-small', 'error']]);
      assertNoNonFinite(hover(text, 'relative_attention_num_buckets'), 't5 hover');
      assert.equal(t5Bucket(-100, 32, 8, true), 15);
    });

    it('a head_dim of 65536 hovers within bounds (it took 5 s; the Markdown report 66 s and 475 KB)', async () => {
      const text = '{"model_type": "llama", "head_dim": 65536, "max_position_embeddings": 1000000, "rope_scaling": {"rope_type": "yarn", "factor": 4, "original_max_position_embeddings": 8192}}';
      const a = analyzeText(text);
      const md = await bounded('hover', () => hover(text, 'rope_scaling'));
      assert.ok(md.length > 0 && md.length <= MAX_HOVER);
      const report = await bounded('report', () => analysisReport('x', a, { charts: true }));
      assert.ok(report.length <= 100_000, `${report.length}`);
    });

    it('4096 ALiBi heads draw at most MAX_BARS bars (the hover was 467 KB)', () => {
      const md = hover('{"model_type": "llama", "num_attention_heads": "4096", "alibi": true}', 'num_attention_heads');
      assert.ok(md.length > 0 && md.length <= 40_000, `${md.length}`);
    });

    it('a head_dim of 1e-320 with rotary_dim 7.5 gives no infinite partial rotary factor', () => {
      const a = analyzeText('{"model_type": "llama", "head_dim": 1e-320, "rotary_dim": 7.5}', { target: 1_000_000 });
      assertAnalysisSane(a, 'head_dim 1e-320');
    });

    it('ALiBi slopes with a NaN bias use the default bias', () => {
      assert.deepEqual(alibiSlopes(2, NaN), alibiSlopes(2, 8));
    });
  });
});
