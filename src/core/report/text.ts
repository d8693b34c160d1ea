// A short human summary of an analysis (the CLI's default output; also the base of Markdown reports).
import type { Analysis, EncodingAnalysis } from '../analyze';
import type { Finding } from '../findings';
import { wavelengths } from '../rope/frequencies';

export function fmtInt(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toPrecision(6);
}

export function fmtNum(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return fmtInt(n);
  const a = Math.abs(n);
  return a >= 1e5 || a < 1e-3 ? n.toExponential(3) : String(Number(n.toPrecision(6)));
}

export function encodingTitle(e: EncodingAnalysis): string {
  const s = e.spec;
  const where = [s.scope, s.layer].filter(Boolean).join(' · ');
  return `${kindLabel(s.kind)}${where ? ` (${where})` : ''}`;
}

export function kindLabel(kind: string): string {
  const labels: Record<string, string> = {
    rope: 'RoPE', learned: 'Learned absolute positions', sinusoidal: 'Sinusoidal positions', alibi: 'ALiBi',
    t5_relative: 'T5 relative buckets', relative_key: 'Relative key embeddings', patch_grid: 'ViT patch grid', none: 'No position encoding',
  };
  return labels[kind] ?? kind;
}

/** Key facts as [label, value] rows; shared by the CLI, hovers and reports. */
export function facts(e: EncodingAnalysis): [string, string][] {
  const s = e.spec;
  const rows: [string, string][] = [];
  if (s.modelType) rows.push(['model type', s.modelType]);
  if (s.rope) {
    const r = s.rope;
    const wl = e.rope ? wavelengths(e.rope.invFreq).filter(Number.isFinite) : [];
    rows.push(['scaling', r.type === 'default' ? 'none (default RoPE)' : `${r.type}${r.factor !== null ? ` × ${fmtNum(r.factor)}` : ''}${r.rawType && r.rawType !== r.type ? ` (written "${r.rawType}")` : ''}`]);
    rows.push(['theta (base)', `${fmtNum(r.theta)}${s.sources['theta']?.isDefault ? ' (default)' : ''}`]);
    rows.push(['head dim / rotary dim', r.rotaryDim >= 2 ? `${r.headDim} / ${r.rotaryDim}${r.partialRotaryFactor !== 1 ? ` (partial ${fmtNum(r.partialRotaryFactor)})` : ''}` : 'unknown (set head_dim, or hidden_size and num_attention_heads)']);
    if (wl.length) rows.push(['wavelength range', `${fmtNum(Math.min(...wl))} – ${fmtNum(Math.max(...wl))} tokens`]);
    if (e.rope && e.rope.attentionFactor !== 1) rows.push(['attention factor', fmtNum(e.rope.attentionFactor)]);
    if (r.mropeSection) rows.push(['M-RoPE sections', r.mropeSection.join(' / ')]);
  }
  if (s.alibi) rows.push(['ALiBi heads / slopes', `${s.alibi.numHeads} heads, slopes ${fmtNum(s.alibi.slopes[0])} … ${fmtNum(s.alibi.slopes[s.alibi.slopes.length - 1])}`]);
  if (s.t5) rows.push(['buckets / max distance', `${s.t5.numBuckets} / ${s.t5.maxDistance}`]);
  if (s.learned) rows.push(['table', `${fmtInt(s.learned.tableSize)} positions × ${fmtInt(s.learned.dim)}`]);
  if (s.patchGrid) rows.push(['patch grid', `${s.patchGrid.gridSize}×${s.patchGrid.gridSize}${s.patchGrid.hasClsToken ? ' + CLS' : ''} (${s.patchGrid.imageSize}px / ${s.patchGrid.patchSize}px patches)`]);
  rows.push(['trained context', fmtInt(s.trainedContext)]);
  rows.push(['claimed context', `${fmtInt(s.maxContext)}${s.sources['maxContext']?.isDefault && s.maxContext !== null ? ' (class default)' : ''}`]);
  if (s.slidingWindow !== null) rows.push(['sliding window', fmtInt(s.slidingWindow)]);
  if (e.extrapolation) rows.push([`at ${fmtInt(e.extrapolation.target)} tokens`, `${e.extrapolation.verdict}`]);
  return rows;
}

export function findingLine(f: Finding): string {
  const where = f.range ? `${f.range.start.line + 1}:${f.range.start.character + 1}` : '-';
  return `${f.severity.padEnd(7)} ${where.padEnd(7)} [${f.runtime}] ${f.message}`;
}

export function analysisToText(file: string, a: Analysis): string {
  const out: string[] = [file];
  for (const f of a.findings) out.push(`  ${findingLine(f)}`);
  for (const e of a.encodings) {
    out.push('', `  ${encodingTitle(e)}`);
    const rows = facts(e);
    const w = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) out.push(`    ${k.padEnd(w)}  ${v}`);
    if (e.extrapolation) out.push(`    ${e.extrapolation.summary}`);
    if (e.findings.length) out.push('    findings:');
    for (const f of e.findings) out.push(`      ${findingLine(f)}`);
  }
  return out.join('\n');
}
