// What a hover on a position key says: the few facts that matter for that key, the verdict and a small
// chart. No vscode import, so the benchmark and tests time and read exactly what the editor shows.
import type { Analysis, EncodingAnalysis } from '../core/analyze';
import { t5SaturationDistance } from '../core/encodings/relative';
import { alibiSlopesChart, type ChartSize, scoreDecayChart, svgDataUri, t5BucketChart, wavelengthChart } from '../core/report/svg';
import { encodingTitle, facts, fmtInt, fmtNum } from '../core/report/text';
import { nodeAtOffset, nodeAtPath, type JsonPath, type SrcNode } from '../core/source';
import { factsTable, MAX_HOVER_DISTANCE } from './markdown';

type Topic = 'theta' | 'scaling' | 'length' | 'dims' | 'alibi' | 't5' | 'window' | 'patch' | 'kind' | 'ffn';

const TOPICS: Record<string, Topic> = {
  rope_theta: 'theta', rope_local_base_freq: 'theta', rotary_emb_base: 'theta',
  rope_scaling: 'scaling', rope_parameters: 'scaling',
  max_position_embeddings: 'length', original_max_position_embeddings: 'length', n_positions: 'length',
  max_sequence_length: 'length', seq_length: 'length', max_seq_len: 'length', n_ctx: 'length',
  head_dim: 'dims', partial_rotary_factor: 'dims', rotary_pct: 'dims', rotary_dim: 'dims', qk_rope_head_dim: 'dims',
  alibi: 'alibi', n_head: 'alibi', num_attention_heads: 'alibi', relative_attention_num_buckets: 't5', relative_attention_max_distance: 't5',
  sliding_window: 'window', image_size: 'patch', patch_size: 'patch', position_embedding_type: 'kind',
  intermediate_size: 'ffn', d_ff: 'ffn', ffn_dim: 'ffn', n_inner: 'ffn', hidden_act: 'ffn', hidden_activation: 'ffn', activation_function: 'ffn', mlp_bias: 'ffn',
};

/** Which fact rows each topic shows (labels as report/text.ts names them; `at …` is the verdict row). */
const ROWS: Record<Topic, string[]> = {
  theta: ['theta (base)', 'head dim / rotary dim', 'wavelength range', 'trained context', 'claimed context'],
  scaling: ['scaling', 'attention factor', 'theta (base)', 'wavelength range', 'trained context', 'claimed context', 'M-RoPE sections'],
  length: ['scaling', 'trained context', 'claimed context', 'table', 'patch grid', 'sliding window'],
  dims: ['head dim / rotary dim', 'wavelength range', 'theta (base)'],
  alibi: ['ALiBi heads / slopes', 'trained context'],
  t5: ['buckets / max distance', 'trained context'],
  window: ['sliding window', 'claimed context', 'theta (base)'],
  patch: ['patch grid', 'table'],
  kind: [],
  ffn: [],
};

export type { Topic };

/** The questions people search for, answered where they arise. */
const EXPLAIN: Partial<Record<Topic, (e: EncodingAnalysis) => string>> = {
  ffn: () =>
    '_Position-wise layer_: the feed-forward block (and its activation) applies the same map to every position and never mixes positions, so it needs no position information — only attention does.',
  kind: (e) =>
    (e.spec.kind === 'learned' || e.spec.kind === 'sinusoidal' || e.spec.kind === 'patch_grid'
      ? '_Absolute_: a vector per position is added to the token embedding. Adding equals concatenating then projecting: W·[x; p] = W_x·x + W_p·p. The model must learn relative distances from it, and positions past the table have no vector.'
      : '_Relative_: attention scores depend on the distance between query and key (rotations, biases or buckets), not on absolute positions, which is what lets such encodings run past the trained length at all.'),
};

const ROPE_DICTS = new Set(['rope_scaling', 'rope_parameters']);

/** The topic of a node's key; keys inside a rope dict are about the scaling unless they have their own topic. */
export function topicOf(path: JsonPath): { topic: Topic; key: string } | null {
  const names = path.filter((p): p is string => typeof p === 'string');
  const key = names[names.length - 1];
  if (key === undefined) return null;
  const inRopeDict = names.slice(0, -1).some((n) => ROPE_DICTS.has(n));
  const own = TOPICS[key];
  if (own) return { topic: own, key };
  return inRopeDict ? { topic: 'scaling', key } : null;
}

function startsWith(path: JsonPath, prefix: JsonPath): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
}

/** The encoding a key belongs to: one that reads it, else the one whose rope dict or scope holds it. */
export function encodingFor(encodings: readonly EncodingAnalysis[], path: JsonPath): EncodingAnalysis | null {
  const reads = encodings.find((e) => Object.values(e.spec.sources).some((s) => s.path && !s.isDefault && startsWith(path, s.path)));
  if (reads) return reads;
  const inDict = encodings.find((e) => e.spec.rope?.dictPath && startsWith(path, e.spec.rope.dictPath));
  if (inDict) return inDict;
  const scoped = encodings.filter((e) => startsWith(path, e.spec.scope ? e.spec.scope.split('.') : []));
  return scoped.sort((a, b) => b.spec.scope.length - a.spec.scope.length)[0] ?? null;
}

/** The hover Markdown for a key of an encoding (pure apart from the chart cost; memoized by the caller). */
export function hoverMarkdown(e: EncodingAnalysis, topic: Topic, key: string): string {
  const s = e.spec;
  const labels = new Set(ROWS[topic]);
  const rows = facts(e).filter(([l]) => labels.has(l));
  const x = e.extrapolation;
  const showVerdict = !!x && topic !== 'dims' && topic !== 'patch' && topic !== 'ffn';
  // Title, verdict and chart first: VS Code caps a hover at max(250 px, editor height / 4) before it scrolls.
  const out: string[] = [`**${encodingTitle(e)}** · \`${key}\`${showVerdict ? ` — *${x.verdict}* at ${fmtInt(x.target)} tokens` : ''}`, ''];
  const chart = chartFor(e, topic);
  if (chart) out.push(chart, '');
  const r = x?.rope;
  if (topic === 'theta' && r && s.rope) {
    rows.push(['critical dimension', `${r.criticalDimension} of ${s.rope.rotaryDim} (${r.criticalPairs} pairs never turn within ${fmtInt(s.trainedContext)} tokens)`]);
    rows.push(['scaling-law bound', `~${fmtInt(Math.round(r.scalingLawLimit))} tokens`]);
  }
  if ((topic === 'scaling' || topic === 'length') && x && x.effectiveContext !== null) rows.push(['effective context', fmtInt(x.effectiveContext)]);
  if (topic === 'dims' && s.rope) rows.push(['frequency pairs', `${Math.floor(s.rope.rotaryDim / 2)} rotating of ${Math.floor(s.rope.headDim / 2)}`]);
  if (topic === 't5' && s.t5) rows.push(['saturates at distance', fmtInt(t5SaturationDistance(s.t5.numBuckets, s.t5.maxDistance, s.t5.bidirectional))]);
  if (topic === 'kind') rows.push(['encoding', encodingTitle(e)]);
  const note = EXPLAIN[topic]?.(e);
  if (note) out.push(note, '');
  out.push(factsTable(rows), '');
  if (showVerdict) out.push(x.summary, '');
  const src = s.sources['theta'];
  if (topic === 'theta' && src?.isDefault) out.push(`_rope_theta is not set: ${fmtNum(s.rope?.theta)} is the class default._`, '');
  return out.join('\n');
}

/** A chart image for a hover. VS Code's `|width=,height=` suffix sizes the widget before the image
 * decodes; without it the hover is laid out too short and the chart ends up behind a scrollbar. */
function svgMarkdown(svg: string, alt: string): string {
  return `![${alt}](${svgDataUri(svg)}|width=${HOVER_CHART.width},height=${HOVER_CHART.height})`;
}

const HOVER_CHART: ChartSize = { width: 320, height: 120 };

function chartFor(e: EncodingAnalysis, topic: Topic): string | null {
  const s = e.spec;
  if (e.rope && s.rope) {
    if (topic === 'scaling') {
      const dist = Math.min(MAX_HOVER_DISTANCE, Math.max(s.maxContext ?? 0, s.trainedContext ?? 0, 2048));
      return svgMarkdown(scoreDecayChart(e.rope.invFreq, dist, e.rope.attentionFactor, s.trainedContext, HOVER_CHART), 'relative score decay');
    }
    if (topic === 'theta' || topic === 'length' || topic === 'dims' || topic === 'window') {
      return svgMarkdown(wavelengthChart(e.rope.invFreq, s.trainedContext, s.maxContext, HOVER_CHART), 'wavelength per pair');
    }
  }
  if (s.alibi && s.alibi.slopes.length && (topic === 'alibi' || topic === 'length')) return svgMarkdown(alibiSlopesChart(s.alibi.slopes, HOVER_CHART), 'ALiBi slopes');
  if (s.t5 && (topic === 't5' || topic === 'length')) return svgMarkdown(t5BucketChart(s.t5.numBuckets, s.t5.maxDistance, s.t5.bidirectional, HOVER_CHART), 'T5 buckets');
  return null;
}

/** The object member the cursor is in: array items (short_factor entries) hover as their array's key. */
export function keyedNode(root: SrcNode | null, node: SrcNode): SrcNode | null {
  let n: SrcNode | null = node;
  while (n && typeof n.path[n.path.length - 1] === 'number') {
    const parentPath = n.path.slice(0, -1);
    n = nodeAtPath(root, parentPath);
  }
  return n && n.path.length > 0 ? n : null;
}


/** The whole hover for an offset: which key, which encoding, the Markdown; null where there is none. */
export function hoverAt(a: Analysis, offset: number, memo: (id: string, make: () => string) => string = (_id, make) => make()): { markdown: string; node: SrcNode; onKey: boolean } | null {
  const hit = nodeAtOffset(a.root, offset);
  if (!hit) return null;
  const node = keyedNode(a.root, hit.node);
  if (!node) return null;
  const t = topicOf(node.path);
  if (!t) return null;
  const e = encodingFor(a.encodings, node.path);
  // Head counts matter to position only for ALiBi (one slope per head).
  if (!e || (t.topic === 'alibi' && t.key !== 'alibi' && e.spec.kind !== 'alibi')) return null;
  const markdown = memo(`hover:${a.encodings.indexOf(e)}:${t.topic}:${t.key}`, () => hoverMarkdown(e, t.topic, t.key));
  return { markdown, node, onKey: hit.onKey };
}
