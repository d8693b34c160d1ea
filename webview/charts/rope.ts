// Charts drawn straight from the frequencies the host sent (cheap, plain JS): wavelength per dimension
// and rotation coverage. Both use the float64 core formulas, never a float32 copy.
import type uPlot from 'uplot';
import { wavelengths } from '../../src/core/rope/frequencies';
import type { PanelData } from '../../src/protocol';
import { plot, theme, type Card } from './kit';

const TWO_PI = 2 * Math.PI;

function pairIndex(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** λᵢ = 2π/θᵢ (tokens, log y): original vs each method, with the trained and target lengths as lines. */
export function wavelengthChart(c: Card, d: PanelData, width: number): uPlot | null {
  if (!d.original) return null;
  const t = theme();
  const x = pairIndex(d.original.length);
  // A zero frequency has an infinite wavelength: uPlot cannot place it on a log axis, so it is a gap.
  const finite = (a: number[]): (number | null)[] => wavelengths(a).map((w) => (Number.isFinite(w) ? w : null));
  const ys = [finite(d.original), ...d.series.map((s) => finite(s.invFreq))];
  const series: uPlot.Series[] = [
    { label: 'original', stroke: t.muted, width: 1.5, dash: [4, 3] },
    ...d.series.map((s, i) => ({ label: s.label, stroke: t.series[i % t.series.length]!, width: 1.5 })),
  ];
  // One line (and one label) when the target is the trained length, not two labels drawn over each other.
  const lines: { axis: 'y'; value: number; label: string }[] = d.trainedContext === d.target
    ? [{ axis: 'y', value: d.target, label: `trained = target ${d.target}` }]
    : [{ axis: 'y', value: d.target, label: `target ${d.target}` }, ...(d.trainedContext ? [{ axis: 'y' as const, value: d.trainedContext, label: `trained ${d.trainedContext}` }] : [])];
  c.setData(['pair', 'original_tokens', ...d.series.map((s) => `${s.method}_tokens`)], [x, ...ys.map((y) => y.map((v) => v ?? Infinity))]);
  return plot(c.body, { width, xLabel: 'dimension pair i', yLabel: 'wavelength (tokens, log)', yLog: true, series, data: [x, ...ys] as uPlot.AlignedData, lines });
}

/**
 * Angle range per pair, capped at one turn (2π rad): what training at L₀ showed (original θ) vs what the
 * target reaches with each method's θ'. A method line above the training line means unseen angles.
 */
export function coverageChart(c: Card, d: PanelData, width: number): uPlot | null {
  if (!d.original) return null;
  const t = theme();
  const L0 = d.trainedContext ?? d.maxContext ?? d.target;
  const x = pairIndex(d.original.length);
  // Log y needs positive values; 1e-9 rad is far below anything a config produces.
  const angle = (freqs: number[], len: number): number[] => freqs.map((f) => Math.max(1e-9, Math.min(len * f, TWO_PI)));
  const seen = angle(d.original, L0);
  const reached = d.series.map((s) => angle(s.invFreq, d.target));
  const series: uPlot.Series[] = [
    { label: `seen in training (${L0})`, stroke: t.muted, width: 2, fill: `${t.muted}33` },
    // The target is in the note, not the labels: same labels, so a target change updates the plot in place.
    ...d.series.map((s, i) => ({ label: `${s.label} at target`, stroke: t.series[i % t.series.length]!, width: 1.5 })),
  ];
  c.setData(['pair', 'seen_rad', ...d.series.map((s) => `${s.method}_reached_rad`)], [x, seen, ...reached]);
  const unseen = d.series.map((s, k) => `${s.label}: ${reached[k]!.filter((r, i) => r > seen[i]! * (1 + 1e-9)).length} pairs beyond`);
  c.note.textContent = `Angles above the training curve were never seen in training. At the target ${d.target}: ${unseen.join('; ')}.`;
  return plot(c.body, { width, xLabel: 'dimension pair i', yLabel: 'angle range (rad, ≤ 2π, log)', yLog: true, series, data: [x, seen, ...reached], lines: [{ axis: 'y', value: TWO_PI, label: 'one full turn (2π)' }] });
}
