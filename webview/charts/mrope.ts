// M-RoPE cards (Qwen2-VL and later): which frequency pairs rotate with the temporal, height and width
// position ids, and how far each pair turns across one example image. Plain JS from the host's θᵢ and the
// core's section maths.
import type uPlot from 'uplot';
import { imageSweep, MROPE_AXES, type MropeAxis } from '../../src/core/vision/mrope';
import type { PanelData } from '../../src/protocol';
import { el } from '../ui';
import { fmt, plot, theme, unmountPlot, type Card, type RefLine } from './kit';
import type { AddCard } from './vision';

const NAMES: Record<MropeAxis, string> = { t: 'temporal (t)', h: 'height (h)', w: 'width (w)' };
const TWO_PI = 2 * Math.PI;
/** Below this sweep a pair hardly turns across the image: it cannot tell the image's rows (or columns) apart. */
const STILL_RAD = 0.1;

function axisSeries(axes: readonly MropeAxis[], values: readonly number[], axis: MropeAxis): (number | null)[] {
  return values.map((v, i) => (axes[i] === axis && Number.isFinite(v) && v > 0 ? v : null));
}

/** Points coloured by axis: t, h, w get the theme's first three chart colours. */
function pointSeries(): uPlot.Series[] {
  const t = theme();
  return MROPE_AXES.map((a, k) => ({ label: NAMES[a], stroke: t.series[k]!, width: 0, points: { show: true, size: 6, fill: t.series[k]! }, paths: () => null }));
}

function ranges(axes: readonly MropeAxis[], axis: MropeAxis): string {
  const idx = axes.flatMap((a, i) => (a === axis ? [i] : []));
  if (idx.length === 0) return 'none';
  const contiguous = idx[idx.length - 1]! - idx[0]! === idx.length - 1;
  return contiguous ? `${idx[0]}–${idx[idx.length - 1]}` : `${idx.length} pairs (${idx.slice(0, 3).join(', ')}, …, ${idx[idx.length - 1]})`;
}

export function drawMrope(d: PanelData, width: number, add: AddCard, keep: (c: Card, p: uPlot | null) => void): void {
  const mr = d.mrope;
  if (!mr) return;
  const sec = add('mrope-sections', 'M-RoPE: frequency pairs per position axis', `mrope_section ${JSON.stringify(mr.sections)}${mr.interleaved ? ' (interleaved T, H, W as in Qwen3-VL)' : ''}: wavelength 2π/θᵢ of every pair, coloured by the position id it rotates with. Text tokens have t = h = w, so for text this is plain RoPE.`);
  if (!mr.axes) {
    unmountPlot(sec.body);
    sec.body.replaceChildren(el('p', { className: 'error', text: mr.problem ?? 'The sections do not fit the rotary dimension.', attrs: { role: 'alert' } }));
    return;
  }
  const axes = mr.axes;
  const x = mr.invFreq.map((_, i) => i);
  const wl = mr.invFreq.map((f) => TWO_PI / f);
  const ex = mr.example;
  const lines: RefLine[] = [];
  if (!mr.interleaved) {
    let edge = 0;
    mr.sections.slice(0, 2).forEach((s, k) => {
      edge += s;
      lines.push({ axis: 'x', value: edge - 0.5, label: `${MROPE_AXES[k]} | ${MROPE_AXES[k + 1]}` });
    });
  }
  if (d.trainedContext) lines.push({ axis: 'y', value: d.trainedContext, label: `trained ${d.trainedContext}` });
  if (ex) lines.push({ axis: 'y', value: Math.max(ex.grid.h, ex.grid.w), label: `image side ${Math.max(ex.grid.h, ex.grid.w)} tokens` });
  const sweep = ex ? imageSweep(mr.invFreq, axes, ex.grid) : mr.invFreq.map(() => 0);
  sec.setData(['pair', 'axis_0t_1h_2w', 'inv_freq', 'wavelength_tokens', 'image_sweep_rad'], [x, axes.map((a) => MROPE_AXES.indexOf(a)), mr.invFreq, wl, sweep]);
  sec.note.textContent = `Pairs ${MROPE_AXES.map((a) => `${a}: ${ranges(axes, a)}`).join('; ')}.${mr.problem ? ` ${mr.problem}` : ''}`;
  keep(sec, plot(sec.body, { width, xLabel: 'frequency pair i', yLabel: 'wavelength (tokens, log)', yLog: true, series: pointSeries(), data: [x, ...MROPE_AXES.map((a) => axisSeries(axes, wl, a))] as uPlot.AlignedData, lines }));

  if (!ex) return;
  const img = add('mrope-image', 'M-RoPE: one image in the position ids', `How far each pair turns across a ${ex.imagePixels[0]}×${ex.imagePixels[1]} px image (resized to ${ex.resized[0]}×${ex.resized[1]}): (extent − 1)·θᵢ on its axis, log scale. Temporal pairs do not turn within a still image.`);
  const tokens = ex.grid.t * ex.grid.h * ex.grid.w;
  const s0 = ex.textBefore;
  const maxAngle = MROPE_AXES.map((a) => {
    const best = sweep.reduce((b, v, i) => (axes[i] === a && v > (b?.v ?? -1) ? { v, i } : b), null as { v: number; i: number } | null);
    return `${a} ${best && best.v > 0 ? `${fmt(best.v)} rad (pair ${best.i})` : '0 rad'}`;
  });
  const still = (['h', 'w'] as const).map((a) => `${sweep.filter((v, i) => axes[i] === a && v < STILL_RAD).length} of ${axes.filter((b) => b === a).length} ${a} pairs`);
  img.note.textContent = `${tokens} image tokens (${ex.grid.h}×${ex.grid.w} after the spatial merge) after a ${s0}-token prompt: t id ${s0} for all of them, h ids ${s0}…${s0 + ex.grid.h - 1}, w ids ${s0}…${s0 + ex.grid.w - 1}; the next text token gets id ${ex.nextText}, not ${s0 + tokens}. Largest angle across the image: ${maxAngle.join(', ')}. Turning less than ${STILL_RAD} rad (blind to the image's layout on that axis): ${still.join(', ')}.`;
  img.setData(['pair', 'axis_0t_1h_2w', 'image_sweep_rad'], [x, axes.map((a) => MROPE_AXES.indexOf(a)), sweep]);
  keep(img, plot(img.body, { width, xLabel: 'frequency pair i', yLabel: 'angle across the image (rad, log)', yLog: true, series: pointSeries(), data: [x, ...MROPE_AXES.map((a) => axisSeries(axes, sweep, a))] as uPlot.AlignedData, lines: [{ axis: 'y', value: TWO_PI, label: 'one full turn (2π)' }, { axis: 'y', value: STILL_RAD, label: `${STILL_RAD} rad` }] }));
}
