// The model's own learned position table (GPT-2's wpe, BERT's, a ViT grid): its values as a heatmap and the
// cosine similarity of its positions, computed with ORT. The table arrives base64-encoded and is checked
// before use; a config.json with weights beside it first shows a button that reads them (on request only).
import type { GridTable } from '../../src/core/vision/gridInterpolation';
import { learnedKey, parseLearnedTable, type LearnedTableData } from '../../src/core/formats/learnedPayload';
import { similarityJob, type Matrix32 } from '../../src/core/onnx/jobs';
import type { PanelData } from '../../src/protocol';
import { log, request } from '../api';
import type { OrtRunner, RunOutcome } from '../compute/ortRunner';
import type { PositionWindow } from '../compute/windowJob';
import { button } from '../ui';
import { fmt, type Card } from './kit';
import { drawSimilarityCard, drawTableCard } from './windowTables';

export interface LearnedDeps {
  width: number;
  add: (id: string, title: string, description: string) => Card;
  runner: () => Promise<OrtRunner>;
  /** True once a newer render started: stop before drawing. */
  stale: () => boolean;
  /** Renders again (after the host read the table on request). */
  rerender: () => void;
}

/** The decoded table and its similarity, kept while the same table keeps arriving (target changes, themes). */
let cache: { key: string; table: Matrix32; meta: LearnedTableData; scale: number; sim: RunOutcome<Matrix32> | null } | null = null;

/** The table this webview holds decoded, for the analyze request: the host then leaves its data out. */
export function heldLearned(): string | null {
  return cache?.key ?? null;
}

function decoded(source: string, t: LearnedTableData): NonNullable<typeof cache> | string {
  const key = learnedKey(source, t);
  if (cache?.key === key) return cache;
  const parsed = parseLearnedTable(t);
  if (!parsed.ok) return parsed.error;
  const table: Matrix32 = { rows: parsed.meta.rowsUsed, cols: parsed.meta.dim, data: parsed.values };
  cache = { key, table, meta: parsed.meta, scale: robustScale(parsed.values), sim: null };
  return cache;
}

/** The 99th percentile of |value| (from ≤ 64k samples): a few outlier dimensions must not wash out the colours. */
function robustScale(v: Float32Array): number {
  const step = Math.max(1, Math.floor(v.length / 65536));
  const sample: number[] = [];
  for (let i = 0; i < v.length; i += step) if (Number.isFinite(v[i]!)) sample.push(Math.abs(v[i]!));
  sample.sort((a, b) => a - b);
  return sample[Math.floor(0.99 * (sample.length - 1))] || 1;
}


/** The offer to read a config's weights, or why there is no table. */
function offerCard(d: PanelData, o: LearnedDeps): void {
  const l = d.learned!;
  const c = o.add('learned-table', 'Learned position table', l.problem ? `No table from ${l.source}.` : `${l.source} lies beside this config: read its learned position table (only the rows the charts need) to see how the trained positions relate.`);
  c.note.textContent = l.problem ?? '';
  if (l.problem) return void c.body.replaceChildren();
  const read = button(`Read position table from ${l.source}`, () => {
    c.note.textContent = `Reading ${l.source}…`;
    request('learned', { layer: d.layer }).then((r) => {
      if (r.loaded) o.rerender();
      else c.note.textContent = r.problem ?? 'No table was found.';
    }, (e: unknown) => {
      c.note.textContent = e instanceof Error ? e.message : String(e);
    });
  }, { title: `Read the learned position table from ${l.source}` });
  c.body.replaceChildren(read);
}

/** Draws the learned-table cards for `d` (none when it has no weights); returns the ORT run for the badge. */
export async function drawLearned(d: PanelData, o: LearnedDeps): Promise<RunOutcome<unknown>[]> {
  const l = d.learned;
  if (!l) return [];
  if (!l.table) {
    offerCard(d, o);
    return [];
  }
  // Data left out for a table this webview no longer holds (another table was decoded meanwhile): ask again
  // without claiming one.
  if (l.table.data === '' && cache?.key !== learnedKey(l.source, l.table)) {
    cache = null;
    o.rerender();
    return [];
  }
  const got = decoded(l.source, l.table);
  if (typeof got === 'string') {
    log('warn', got);
    const c = o.add('learned-table', 'Learned position table', `The table from ${l.source} could not be used.`);
    c.body.replaceChildren();
    c.note.textContent = got;
    return [];
  }
  const { table, meta, scale } = got;
  got.sim ??= await (await o.runner()).run(similarityJob(table));
  if (o.stale()) return [got.sim];
  const w: PositionWindow = { start: 0, stride: meta.stride, count: meta.rowsUsed };
  const sampled = meta.stride > 1 ? `every ${meta.stride}th of ${meta.rows} positions (${meta.rowsUsed} rows read)` : `all ${meta.rows} positions`;
  const cls = meta.kind === 'vit' ? '; row 0 is the class token, then the patches row by row' : '';

  const hc = o.add('learned-table', 'Learned position table', `${meta.name} (${meta.dtype}, ${meta.shape.join(' × ')}) from ${l.source}: value per dimension (down) × position (across), ${sampled}${cls}; blue −${fmt(scale)}, red +${fmt(scale)} (99th percentile of |value|). Read in ${meta.readMs.toFixed(0)} ms.`);
  hc.note.textContent = '';
  // No trained/target markers: the table is the trained range (-1 lies outside every window).
  drawTableCard(hc, table, w, { what: `the learned position table ${meta.name}`, width: o.width, scale, trained: null, target: -1 });
  const sc = o.add('learned-similarity', 'Learned position similarity', `Cosine similarity between the positions of ${meta.name} (${sampled}${cls}), computed with ORT: how much each trained position looks like every other.`);
  drawSimilarityCard(sc, got.sim.result, w, { what: `the learned positions of ${meta.name}`, width: o.width, trained: null });
  return [got.sim];
}

/** The learned table as a patch grid for the vision cards, when it is one complete grid (with or without CLS). */
export function learnedGrid(d: PanelData): GridTable | null {
  const v = d.vision;
  const t = d.learned?.table;
  if (!v || !t || t.stride !== 1) return null;
  const got = decoded(d.learned!.source, t);
  if (typeof got === 'string') return null;
  const g = v.grid;
  const cls = t.rows === g * g + 1;
  return cls || t.rows === g * g ? { data: got.table.data, dim: t.dim, gridH: g, gridW: g, cls } : null;
}
