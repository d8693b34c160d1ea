// Learned position tables for the panel, from the user's own safetensors weights: the opened .safetensors
// (and .gguf, whose header maps to a config), or the weights beside a config.json, read only when the user
// asks. Only the sampled rows are read and sent (core learnedRows). Free of `vscode` so unit and browser tests
// use it as the panel does.
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { analyzeSource, fileKindOf } from '../core/analyzeFile';
import type { ByteSource } from '../core/formats/byteSource';
import { learnedKey, toLearnedTableData } from '../core/formats/learnedPayload';
import { readPositionRows } from '../core/formats/learnedRows';
import { findPositionTables, findPositionTableShard, parseSafetensorsIndex, readSafetensorsHeader } from '../core/formats/safetensors';
import type { SrcNode } from '../core/source';
import { withFileSource } from '../cli/nodeByteSource';
import type { AnalyzeParams, LearnedPanelData, PanelData } from '../protocol';
import { panelData } from './panelData';

export const WEIGHTS = 'model.safetensors';
export const WEIGHTS_INDEX = 'model.safetensors.index.json';
/** Shard indexes of real models are tens of KB; this is only a guard. */
const MAX_INDEX_BYTES = 64 << 20;
/** Encodings whose positions are a trained table (the only ones with weights to show). */
const TABLE_KINDS = new Set(['learned', 'patch_grid']);

/** `learned` as the reply carries it: without the data when the webview already holds this table. */
export function withoutKnownData(learned: LearnedPanelData | null, have: string | null | undefined): LearnedPanelData | null {
  const t = learned?.table;
  if (!learned || !t || !have || learnedKey(learned.source, t) !== have) return learned;
  return { ...learned, table: { ...t, data: '' } };
}

/** JSON text of a SrcNode tree, numbers as written (`8.0` stays a float for the analysis). */
export function srcToJson(n: SrcNode | null): string {
  if (!n) return 'null';
  if (n.type === 'object') return `{${[...(n.children ?? new Map<string, SrcNode>())].map(([k, v]) => `${JSON.stringify(k)}:${srcToJson(v)}`).join(',')}}`;
  if (n.type === 'array') return `[${(n.items ?? []).map(srcToJson).join(',')}]`;
  if (n.type === 'number') return n.raw ?? String(n.value);
  return JSON.stringify(n.value);
}

/** `text_config|…` → `text`: CLIP-like files hold one table per tower, named after it. */
function towerHint(layer: string | null): string | null {
  const scope = layer?.split('|')[0] ?? '';
  return scope ? scope.replace(/_config$/, '') : null;
}

async function stampOf(path: string): Promise<string | null> {
  try {
    const s = await stat(path);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return null;
  }
}

/** Reads the table from one safetensors source; `only` restricts to a tensor named by a shard index. */
async function tableFrom(src: ByteSource, source: string, hint: string | null, only: string | null): Promise<LearnedPanelData> {
  const t0 = performance.now();
  const header = await readSafetensorsHeader(src);
  const tables = findPositionTables(header.tensors).filter((m) => only === null || m.name === only);
  const match = tables.find((m) => hint !== null && m.name.includes(hint)) ?? tables[0];
  if (!match) {
    const why = header.findings.find((f) => f.severity === 'error')?.message;
    return { source, table: null, problem: why ?? `No learned position table among the ${header.tensors.size} tensors of ${source}.` };
  }
  const { rows, findings } = await readPositionRows(src, header, match);
  if (!rows) return { source, table: null, problem: findings[0]?.message ?? 'The table could not be read.' };
  return { source, table: toLearnedTableData(rows, performance.now() - t0), problem: null };
}

/** The learned table of a model folder's weights (single file or shards), as the panel sends it. */
export async function readFolderTable(dir: string, hint: string | null = null): Promise<LearnedPanelData> {
  try {
    if (await stampOf(join(dir, WEIGHTS))) return await withFileSource(join(dir, WEIGHTS), (src) => tableFrom(src, WEIGHTS, hint, null));
    const indexPath = join(dir, WEIGHTS_INDEX);
    const size = (await stat(indexPath)).size;
    if (size > MAX_INDEX_BYTES) return { source: WEIGHTS_INDEX, table: null, problem: `${WEIGHTS_INDEX} is ${size} bytes: not a shard index.` };
    const index = parseSafetensorsIndex(await readFile(indexPath, 'utf8'));
    const hit = findPositionTableShard(index, hint);
    if (!hit) return { source: WEIGHTS_INDEX, table: null, problem: index.findings[0]?.message ?? `No learned position table among the ${index.weightMap.size} tensors the index names.` };
    return await withFileSource(join(dir, hit.shard), (src) => tableFrom(src, hit.shard, hint, hit.name));
  } catch (e) {
    return { source: WEIGHTS, table: null, problem: `Could not read the weights: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export class LearnedTables {
  /** Opened binaries, by path: their config text and table, until the file changes. */
  private readonly binaries = new Map<string, { stamp: string; text: string; learned: LearnedPanelData | null }>();
  /** Tables the user asked for, by config folder and tower. */
  private readonly loaded = new Map<string, { stamp: string; panel: LearnedPanelData }>();

  constructor(private readonly log: (message: string) => void = () => undefined) {}

  /** PanelData of an opened .gguf or .safetensors: the config its header maps to, plus the learned table. */
  async binaryPanelData(path: string, doc: { name: string; version: number }, p: AnalyzeParams): Promise<PanelData> {
    const stamp = (await stampOf(path)) ?? '';
    let input = this.binaries.get(path);
    if (!input || input.stamp !== stamp) {
      input = { stamp, ...(await this.readBinary(path)) };
      this.binaries.clear(); // one opened binary at a time is plenty; a table is megabytes
      this.binaries.set(path, input);
    }
    const data = panelData(input.text, doc, p);
    data.learned = withoutKnownData(input.learned, p.haveLearned);
    return data;
  }

  private async readBinary(path: string): Promise<{ text: string; learned: LearnedPanelData | null }> {
    const kind = fileKindOf(path);
    if (kind !== 'gguf' && kind !== 'safetensors') throw new Error(`not a GGUF or safetensors file: ${basename(path)}`);
    return withFileSource(path, async (src) => {
      const a = await analyzeSource(kind, src);
      if (a.encodings.length === 0) throw new Error(a.findings[0]?.message ?? 'No position encoding found in this file.');
      const learned = kind === 'safetensors' ? await tableFrom(src, basename(path), null, null) : null;
      if (learned?.table) this.log(`read ${learned.table.name} (${learned.table.rowsUsed} of ${learned.table.rows} rows × ${learned.table.dim}) in ${learned.table.readMs.toFixed(1)} ms; ${(learned.table.data.length / 1048576).toFixed(2)} MB to send`);
      return { text: srcToJson(a.root), learned };
    });
  }

  /** Adds to a config's PanelData the weights beside it: the table once asked for, else the offer to read it. */
  async attach(configPath: string, data: PanelData, have: string | null = null): Promise<void> {
    if (!TABLE_KINDS.has(data.kind)) return;
    const dir = dirname(configPath);
    const source = (await stampOf(join(dir, WEIGHTS))) ? WEIGHTS : (await stampOf(join(dir, WEIGHTS_INDEX))) ? WEIGHTS_INDEX : null;
    if (!source) return;
    const hit = this.loaded.get(`${dir}|${towerHint(data.layer)}`);
    data.learned = hit && hit.stamp === (await stampOf(join(dir, source))) ? withoutKnownData(hit.panel, have) : { source, table: null, problem: null };
  }

  /** Reads the table of the weights beside `configPath` (the panel's `learned` request). */
  async load(configPath: string, layer: string | null): Promise<{ loaded: boolean; problem: string | null }> {
    const dir = dirname(configPath);
    const hint = towerHint(layer);
    const stamp = (await stampOf(join(dir, WEIGHTS))) ?? (await stampOf(join(dir, WEIGHTS_INDEX))) ?? '';
    const panel = await readFolderTable(dir, hint);
    const t = panel.table;
    this.log(t ? `read ${t.name} from ${panel.source} (${t.rowsUsed} of ${t.rows} rows × ${t.dim}, every ${t.stride}) in ${t.readMs.toFixed(1)} ms; ${(t.data.length / 1048576).toFixed(2)} MB to send` : `no learned table beside ${configPath}: ${panel.problem}`);
    this.loaded.set(`${dir}|${hint}`, { stamp, panel });
    if (this.loaded.size > 2) this.loaded.delete(this.loaded.keys().next().value!); // tables are megabytes: keep the latest
    return { loaded: t !== null, problem: panel.problem };
  }
}
