// Non-rotary relative encodings: ALiBi's linear bias per head, or T5's bucket function.
import type uPlot from 'uplot';
import { alibiBias, t5Bucket } from '../../src/core/encodings/relative';
import type { PanelData } from '../../src/protocol';
import { plot, theme, type Card } from './kit';

const MAX_HEAD_LINES = 8;

export function relativeChart(c: Card, d: PanelData, width: number): uPlot | null {
  const t = theme();
  if (d.alibi && d.alibi.slopes.length > 0) {
    const slopes = d.alibi.slopes;
    // Many heads (BLOOM has 112): draw up to 8 spread from steepest to flattest; the table lists every slope.
    const step = Math.max(1, Math.ceil(slopes.length / MAX_HEAD_LINES));
    const heads = slopes.map((_, h) => h).filter((h) => h % step === 0 || h === slopes.length - 1);
    const maxD = Math.max(16, Math.min(d.target, 2 * (d.trainedContext ?? d.target)));
    const x = Array.from({ length: 257 }, (_, i) => Math.round((i * maxD) / 256));
    const ys = heads.map((h) => x.map((dist) => alibiBias(slopes[h]!, dist)));
    c.setData(['head', 'slope'], [slopes.map((_, h) => h), slopes]);
    c.note.textContent = `${slopes.length} heads, slopes ${slopes[0]!.toPrecision(3)} … ${slopes[slopes.length - 1]!.toPrecision(3)} (max bias ${d.alibi.maxBias}).`;
    const lines = d.trainedContext && d.trainedContext < maxD ? [{ axis: 'x' as const, value: d.trainedContext, label: 'trained' }] : [];
    return plot(c.body, {
      width, xLabel: 'distance (tokens)', yLabel: 'bias added to the logit', data: [x, ...ys],
      series: heads.map((h, i) => ({ label: `head ${h}`, stroke: t.series[i % t.series.length]!, width: 1.5 })),
      lines,
    });
  }
  if (d.t5) {
    const { numBuckets, maxDistance, bidirectional } = d.t5;
    const reach = 2 * maxDistance;
    const x = Array.from({ length: 2 * reach + 1 }, (_, i) => i - reach);
    const y = x.map((rel) => t5Bucket(rel, numBuckets, maxDistance, bidirectional));
    c.setData(['relative_position', 'bucket'], [x, y]);
    c.note.textContent = `${numBuckets} buckets${bidirectional ? ' (half per direction)' : ''}, logarithmic up to ${maxDistance}; farther offsets share the last bucket.`;
    return plot(c.body, {
      width, xLabel: 'relative position (memory − query, tokens)', yLabel: 'bucket index', data: [x, y],
      series: [{ label: 'bucket', stroke: t.series[0]!, width: 1.5, paths: undefined }],
      lines: [{ axis: 'x', value: maxDistance, label: 'max_distance' }, { axis: 'x', value: -maxDistance, label: '' }],
    });
  }
  return null;
}
