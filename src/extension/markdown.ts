// Markdown reports built from the engine's results: the analysis report, the extrapolation check and the
// two-config comparison. No vscode import, so the strings can be tested and reused as they are.
import type { Analysis, EncodingAnalysis } from '../core/analyze';
import type { Finding } from '../core/findings';
import { alibiSlopesChart, scoreDecayChart, svgMarkdown, t5BucketChart, wavelengthChart } from '../core/report/svg';
import { encodingTitle, facts, fmtInt, fmtNum } from '../core/report/text';

/** Score charts evaluate every distance; past this the chart stops (the picture does not change). */
export const MAX_CHART_DISTANCE = 1 << 18;
/** Hovers recompute per document version; 16k distances keep the first hover under 5 ms (the panel shows the full span). */
export const MAX_HOVER_DISTANCE = 1 << 14;

export function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A two-column table; `header` (Markdown) heads it, else an empty header row. */
export function factsTable(rows: [string, string][], header?: string): string {
  if (rows.length === 0) return header ?? '';
  return [header ? `| ${header} | |` : '| | |', '|---|---|', ...rows.map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`)].join('\n');
}

const ICON: Record<Finding['severity'], string> = { error: '❌', warning: '⚠️', info: 'ℹ️' };

export function findingBullet(f: Finding): string {
  const where = f.range ? ` (line ${f.range.start.line + 1})` : '';
  return `- ${ICON[f.severity]} **${f.runtime}** \`${f.code}\`${where}: ${f.message}`;
}

/** The charts that fit an encoding, as Markdown images (RoPE: wavelengths and score decay). */
export function chartsFor(e: EncodingAnalysis): string[] {
  const s = e.spec;
  const out: string[] = [];
  if (s.rope && e.rope) {
    out.push(svgMarkdown(wavelengthChart(e.rope.invFreq, s.trainedContext, s.maxContext), 'wavelength per pair'));
    const dist = Math.min(MAX_CHART_DISTANCE, Math.max(s.maxContext ?? 0, s.trainedContext ?? 0, 2048));
    out.push(svgMarkdown(scoreDecayChart(e.rope.invFreq, dist, e.rope.attentionFactor, s.trainedContext), 'relative score decay'));
  }
  if (s.alibi && s.alibi.slopes.length) out.push(svgMarkdown(alibiSlopesChart(s.alibi.slopes), 'ALiBi slopes'));
  if (s.t5) out.push(svgMarkdown(t5BucketChart(s.t5.numBuckets, s.t5.maxDistance, s.t5.bidirectional), 'T5 buckets'));
  return out;
}

/** The full report of one file: file-level findings, then per encoding its facts, verdict, charts, findings. */
export function analysisReport(name: string, a: Analysis, opts: { charts?: boolean; findings?: (f: Finding) => boolean } = {}): string {
  const keep = opts.findings ?? (() => true);
  const out: string[] = [`# Position encoding: ${name}`, ''];
  const fileFindings = a.findings.filter(keep);
  if (fileFindings.length) out.push(...fileFindings.map(findingBullet), '');
  if (a.encodings.length === 0) out.push('_No position encoding found in this file._');
  for (const e of a.encodings) {
    out.push(`## ${encodingTitle(e)}`, '', factsTable(facts(e)), '');
    if (e.extrapolation) out.push(`> ${e.extrapolation.summary}`, '');
    const r = e.extrapolation?.rope;
    if (r) {
      out.push(
        `Critical dimension ${r.criticalDimension} of ${e.spec.rope?.rotaryDim ?? '?'}: ${r.criticalPairs} frequency pairs never complete a turn within the trained ${fmtInt(e.spec.trainedContext)} tokens; the scaling-law bound for this base is ~${fmtInt(Math.round(r.scalingLawLimit))} tokens.`,
        '',
      );
    }
    if (opts.charts !== false) out.push(...chartsFor(e).flatMap((c) => [c, '']));
    const fs = e.findings.filter(keep);
    if (fs.length) out.push('### Findings', '', ...fs.map(findingBullet), '');
  }
  return out.join('\n');
}

/** The extrapolation check at one target length, per encoding. */
export function extrapolationReport(name: string, target: number, a: Analysis): string {
  const out: string[] = [`# Extrapolation to ${fmtInt(target)} tokens: ${name}`, ''];
  if (a.encodings.length === 0) out.push('_No position encoding found in this file._');
  for (const e of a.encodings) {
    const x = e.extrapolation;
    out.push(`## ${encodingTitle(e)}`, '');
    if (!x) {
      out.push('_Cannot judge: the trained length is unknown._', '');
      continue;
    }
    const rows: [string, string][] = [
      ['verdict', `**${x.verdict}**`],
      ['trained context', fmtInt(x.trainedContext)],
      ['effective context', fmtInt(x.effectiveContext)],
      ['target / trained', `${fmtNum(target / x.trainedContext)}×`],
    ];
    if (x.interpolationLimit !== undefined) rows.push(['interpolation carries to', fmtInt(x.interpolationLimit)]);
    if (x.rope) {
      rows.push(['pairs reaching unseen angles', `${x.rope.pairsBeyond} (${(x.rope.unseenAngleFraction * 100).toFixed(2)}% of the angle range)`]);
      rows.push(['critical dimension', `${x.rope.criticalDimension} (${x.rope.criticalPairs} pairs never turn in training)`]);
    }
    out.push(factsTable(rows), '', `> ${x.summary}`, '');
    if (e.spec.rope && e.rope) {
      const dist = Math.min(MAX_CHART_DISTANCE, Math.max(target, e.spec.trainedContext ?? 0));
      out.push(svgMarkdown(scoreDecayChart(e.rope.invFreq, dist, e.rope.attentionFactor, e.spec.trainedContext), 'relative score decay'), '');
    }
  }
  return out.join('\n');
}

/** A side-by-side table of the key facts of two configs; differing rows are marked. */
export function compareReport(nameA: string, a: Analysis, nameB: string, b: Analysis): string {
  const out: string[] = [`# Compare: ${nameA} ↔ ${nameB}`, ''];
  const n = Math.max(a.encodings.length, b.encodings.length);
  if (n === 0) out.push('_Neither file has a position encoding._');
  for (let i = 0; i < n; i++) {
    const ea = a.encodings[i];
    const eb = b.encodings[i];
    const ra = new Map(ea ? facts(ea) : []);
    const rb = new Map(eb ? facts(eb) : []);
    const labels = [...new Set([...ra.keys(), ...rb.keys()])].filter((l) => !l.startsWith('at '));
    const title = [ea ? encodingTitle(ea) : '—', eb ? encodingTitle(eb) : '—'];
    out.push(`## ${title[0] === title[1] ? title[0] : `${title[0]} ↔ ${title[1]}`}`, '');
    out.push(`| | ${cell(nameA)} | ${cell(nameB)} | |`, '|---|---|---|---|');
    const row = (label: string, va: string, vb: string): string => `| ${cell(label)} | ${cell(va)} | ${cell(vb)} | ${va === vb ? '' : '≠'} |`;
    out.push(row('kind', ea?.spec.kind ?? '—', eb?.spec.kind ?? '—'));
    for (const l of labels) out.push(row(l, ra.get(l) ?? '—', rb.get(l) ?? '—'));
    out.push(row('verdict at claimed length', ea?.extrapolation?.verdict ?? '—', eb?.extrapolation?.verdict ?? '—'));
    out.push(row('findings (error/warning/info)', counts(ea), counts(eb)), '');
  }
  return out.join('\n');
}

function counts(e: EncodingAnalysis | undefined): string {
  if (!e) return '—';
  const c = { error: 0, warning: 0, info: 0 };
  for (const f of e.findings) c[f.severity]++;
  return `${c.error} / ${c.warning} / ${c.info}`;
}
