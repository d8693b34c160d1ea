// The rows of a learned position table that the panel's charts need, read straight from a safetensors file:
// every row when the table is small, else every k-th row, so what is read and sent stays bounded however
// large the table is (a 131k-position table costs the same as a 1k one). Problems are findings, never throws.
import type { Finding } from '../findings';
import type { ByteSource } from './byteSource';
import { DEFAULT_SAFETENSORS_LIMITS, toFloat32, type PositionTableMatch, type SafetensorsHeader, type SafetensorsLimits } from './safetensors';

export interface LearnedRowLimits {
  /** Rows of a [N, D] table sent to the charts (the similarity matrix is rows²). */
  maxRows: number;
  /** Values sent at most (rows × dim): 1M float32 is 4 MB. ViT grids use twice this, unstrided, so they keep their grid. */
  maxValues: number;
  /** One read covers strided rows while the span is at most this; larger spans read row by row. */
  maxSpanBytes: number;
}

export const DEFAULT_LEARNED_LIMITS: LearnedRowLimits = { maxRows: 1024, maxValues: 1 << 20, maxSpanBytes: 16 << 20 };

export interface LearnedRows {
  name: string;
  dtype: string;
  kind: PositionTableMatch['kind'];
  /** The tensor's shape as stored ([N, D] or ViT's [1, N, D]). */
  shape: number[];
  rows: number;
  dim: number;
  /** Row j of `data` is position j · stride. */
  stride: number;
  rowsUsed: number;
  /** rowsUsed × dim, row-major. */
  data: Float32Array;
}

const ELEMENT = { F32: 4, F16: 2, BF16: 2 } as Record<string, number | undefined>;

/** Every `stride`-th row so at most maxRows rows and maxValues values remain (ViT: every row while they fit). */
export function rowSampling(rows: number, dim: number, kind: PositionTableMatch['kind'], limits: LearnedRowLimits = DEFAULT_LEARNED_LIMITS): { stride: number; rowsUsed: number } {
  const byValues = Math.max(1, Math.floor((kind === 'vit' ? 2 * limits.maxValues : limits.maxValues) / Math.max(1, dim)));
  const cap = Math.max(1, kind === 'vit' ? byValues : Math.min(limits.maxRows, byValues));
  const stride = Math.max(1, Math.ceil(rows / cap));
  return { stride, rowsUsed: Math.ceil(rows / stride) };
}

function finding(code: string, message: string, key: string): Finding {
  return { severity: 'error', code, runtime: 'lens', message, key, range: null };
}

/** Reads the sampled rows of one table (F32, F16 or BF16), checking its byte range against the file first. */
export async function readPositionRows(
  src: ByteSource, header: SafetensorsHeader, match: PositionTableMatch, limits: Partial<LearnedRowLimits> = {},
): Promise<{ rows: LearnedRows | null; findings: Finding[] }> {
  const lim = { ...DEFAULT_LEARNED_LIMITS, ...limits };
  const fail = (code: string, message: string) => ({ rows: null, findings: [finding(code, message, match.name)] });
  const t = header.tensors.get(match.name);
  if (!t) return fail('safetensors.no-tensor', `Tensor "${match.name}" is not in this file.`);
  const size = ELEMENT[t.dtype];
  if (size === undefined) return fail('safetensors.unsupported-dtype', `Tensor "${t.name}" is ${t.dtype}; position tables are read as F32, F16 or BF16.`);
  const rowBytes = match.dim * size;
  if (t.end - t.begin !== match.rows * rowBytes) return fail('safetensors.size-mismatch', `Tensor "${t.name}" spans ${t.end - t.begin} bytes, not ${match.rows} × ${match.dim} × ${size}.`);
  if (match.dim > lim.maxValues) return fail('safetensors.table-too-wide', `Tensor "${t.name}" has ${match.dim} dimensions per position, over the ${lim.maxValues}-value limit for the charts.`);
  const start = header.dataOffset + t.begin;
  if (start + match.rows * rowBytes > src.size) return fail('safetensors.offset-out-of-range', `Tensor "${t.name}" runs past the end of the file.`);
  const { stride, rowsUsed } = rowSampling(match.rows, match.dim, match.kind, lim);
  const raw = new Uint8Array(rowsUsed * rowBytes);
  try {
    const span = ((rowsUsed - 1) * stride + 1) * rowBytes;
    if (stride === 1 || span <= lim.maxSpanBytes) {
      // One read: the whole table, or a strided span small enough that one read beats many.
      const bytes = await src.read(start, span);
      if (bytes.length !== span) return fail('safetensors.truncated', `The file ended while reading tensor "${t.name}".`);
      for (let j = 0; j < rowsUsed; j++) raw.set(bytes.subarray(j * stride * rowBytes, (j * stride + 1) * rowBytes), j * rowBytes);
    } else {
      for (let j = 0; j < rowsUsed; j++) {
        const row = await src.read(start + j * stride * rowBytes, rowBytes);
        if (row.length !== rowBytes) return fail('safetensors.truncated', `The file ended while reading tensor "${t.name}".`);
        raw.set(row, j * rowBytes);
      }
    }
  } catch (e) {
    return fail('safetensors.read-failed', `Could not read tensor "${t.name}": ${e instanceof Error ? e.message : String(e)}`);
  }
  return {
    rows: { name: t.name, dtype: t.dtype, kind: match.kind, shape: [...t.shape], rows: match.rows, dim: match.dim, stride, rowsUsed, data: toFloat32(raw, t.dtype, rowsUsed * match.dim) },
    findings: [],
  };
}

export interface PositionTable {
  name: string;
  dtype: string;
  rows: number;
  dim: number;
  /** Row-major rows × dim values. */
  data: Float32Array;
}

/** Every row of one table, up to `maxTableBytes` of tensor (the same checks and reads as the sampled rows). */
export async function readPositionTable(
  src: ByteSource, header: SafetensorsHeader, match: PositionTableMatch, limits: Partial<SafetensorsLimits> = {},
): Promise<{ table: PositionTable | null; findings: Finding[] }> {
  const t = header.tensors.get(match.name);
  const maxTableBytes = limits.maxTableBytes ?? DEFAULT_SAFETENSORS_LIMITS.maxTableBytes;
  if (t && t.end - t.begin > maxTableBytes) {
    return { table: null, findings: [finding('safetensors.table-too-large', `Tensor "${t.name}" is ${t.end - t.begin} bytes, over the ${maxTableBytes}-byte limit for a position table.`, match.name)] };
  }
  const all = { maxRows: Infinity, maxValues: Infinity, maxSpanBytes: Infinity };
  const { rows, findings } = await readPositionRows(src, header, { ...match, kind: 'learned' }, all);
  return { table: rows && { name: rows.name, dtype: rows.dtype, rows: rows.rows, dim: rows.dim, data: rows.data }, findings };
}
