// Relative score s(d) = (scale/H)·Σ cos(dθᵢ) out to the target: for every pixel the true min and max over
// every integer distance in it (ORT's scoreEnvelope graph; angles reduced in float64 first), drawn as a band.
import type uPlot from 'uplot';
import { scoreEnvelopeJob, type Envelope32 } from '../../src/core/onnx/jobs';
import { bucketStart } from '../../src/core/kernels/reference';
import type { PanelData } from '../../src/protocol';
import type { OrtRunner, RunOutcome } from '../compute/ortRunner';
import { plot, theme, type Card } from './kit';

/** Distances evaluated exactly per method: 4M × 64 frequencies is ~70 ms of WASM and 16 MB of graph output. */
const EXACT_DISTANCES = 2 ** 22;

export interface ComputeReport {
  backend: string;
  ms: number;
  fallbackReason: string | null;
}

export function mergeReports(reports: RunOutcome<unknown>[]): ComputeReport {
  const fell = reports.find((r) => r.fellBackFrom);
  return {
    backend: reports.some((r) => r.backend === 'webgpu') ? 'webgpu' : 'wasm',
    ms: reports.reduce((s, r) => s + r.ms, 0),
    fallbackReason: fell?.fallbackReason ?? null,
  };
}

export async function scoreChart(c: Card, d: PanelData, width: number, runner: OrtRunner): Promise<{ plot: uPlot | null; runs: RunOutcome<Envelope32>[] }> {
  if (d.series.length === 0) return { plot: null, runs: [] };
  const t = theme();
  // One bucket per device pixel of the plot area: the band is exact at the resolution it is drawn.
  const pixels = Math.min(4096, Math.max(64, Math.round(width * devicePixelRatio)));
  // Every integer distance up to 4M; past that every s-th one: the envelope over d = s·j is the envelope of
  // the frequencies s·θᵢ over consecutive j, so the same graph runs on a bounded number of distances.
  const stride = Math.ceil((d.target + 1) / EXACT_DISTANCES);
  const span = Math.floor(d.target / stride);
  const runs: RunOutcome<Envelope32>[] = [];
  for (const s of d.series) runs.push(await runner.run(scoreEnvelopeJob(stride === 1 ? s.invFreq : s.invFreq.map((f) => f * stride), span, pixels, s.attentionFactor)));
  const k = runs[0]!.result.pixels;
  const x = Float64Array.from({ length: k }, (_, p) => stride * bucketStart(p, span, k));
  const data: ArrayLike<number>[] = [x];
  const series: uPlot.Series[] = [];
  const bands: uPlot.Band[] = [];
  d.series.forEach((s, i) => {
    const color = t.series[i % t.series.length]!;
    const env = runs[i]!.result;
    data.push(env.max, env.min);
    // Only the config as written gets edge lines; the compared methods are translucent bands. Stroking ten
    // jagged 1000-point edges cost ~20 ms of canvas raster per redraw, most of a target-change update.
    const edge = s.method === 'current' || d.series.length === 1 ? 1 : 0;
    series.push({ label: `${s.label} max`, stroke: color, width: edge }, { label: `${s.label} min`, stroke: color, width: edge });
    bands.push({ series: [1 + 2 * i, 2 + 2 * i], fill: `${color}${edge ? '40' : '59'}` });
  });
  const headers = ['distance_start', ...d.series.flatMap((s) => [`${s.method}_max`, `${s.method}_min`])];
  c.setData(headers, data);
  const lines: { axis: 'x'; value: number; label: string }[] = [];
  if (d.trainedContext && d.trainedContext < d.target) lines.push({ axis: 'x', value: d.trainedContext, label: 'trained' });
  c.note.textContent = stride === 1
    ? `${k} buckets of ~${Math.ceil((d.target + 1) / k)} distances each; every integer distance 0…${d.target} is evaluated.`
    : `${k} buckets; every ${stride}th distance 0…${stride * span} is evaluated (${span + 1} distances: beyond ${EXACT_DISTANCES} the band samples, and may miss narrow dips).`;
  const u = plot(c.body, { width, xLabel: 'distance (tokens)', yLabel: 'relative score (1 = aligned)', series, data: data as uPlot.AlignedData, bands, lines });
  return { plot: u, runs };
}
