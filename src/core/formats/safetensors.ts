// safetensors: the bounded header read (u64 little-endian length, then a JSON table of tensors) and the read
// of exactly one tensor, the learned position table, so its similarity matrix can be drawn. Sharded models
// name their shards in model.safetensors.index.json. Problems become findings; nothing here throws.
import type { Finding, Severity } from '../findings';
import { decodeUtf8, type ByteSource } from './byteSource';

export interface SafetensorsTensor {
  name: string;
  dtype: string;
  shape: number[];
  /** Byte range relative to the start of the data section (right after the header). */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  headerLength: number | null;
  /** Absolute offset of the data section: 8 + headerLength. */
  dataOffset: number;
  fileSize: number;
  tensors: Map<string, SafetensorsTensor>;
  metadata: Record<string, string> | null;
  complete: boolean;
  findings: Finding[];
}

export interface SafetensorsLimits {
  /** The safetensors library itself refuses headers over 100 MB. */
  maxHeaderBytes: number;
  /** Largest position table read into memory. */
  maxTableBytes: number;
}

export const DEFAULT_SAFETENSORS_LIMITS: SafetensorsLimits = { maxHeaderBytes: 100_000_000, maxTableBytes: 256 * 1024 * 1024 };

const DTYPE_BYTES: Record<string, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, U64: 8, I32: 4, U32: 4, I16: 2, U16: 2, I8: 1, U8: 1, BOOL: 1,
  F8_E4M3: 1, F8_E5M2: 1,
};

function finding(severity: Severity, code: string, message: string, key: string | null = null): Finding {
  return { severity, code, runtime: 'lens', message, key, range: null };
}

/** Reads and checks the header; `tensors` holds every well-formed entry even when others are broken. */
export async function readSafetensorsHeader(src: ByteSource, limits: Partial<SafetensorsLimits> = {}): Promise<SafetensorsHeader> {
  const lim = { ...DEFAULT_SAFETENSORS_LIMITS, ...limits };
  const out: SafetensorsHeader = { headerLength: null, dataOffset: 8, fileSize: src.size, tensors: new Map(), metadata: null, complete: false, findings: [] };
  const fail = (code: string, message: string): SafetensorsHeader => {
    out.findings.push(finding('error', code, message));
    return out;
  };
  let json: unknown;
  try {
    if (src.size < 8) return fail('safetensors.truncated', `The file is ${src.size} bytes: too short for the 8-byte header length.`);
    const lenBytes = await src.read(0, 8);
    const view = new DataView(lenBytes.buffer, lenBytes.byteOffset, lenBytes.byteLength);
    const length = view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
    out.headerLength = length;
    out.dataOffset = 8 + length;
    if (length > src.size - 8)
      return fail('safetensors.header-past-end', `The header claims ${length} bytes but the file has only ${src.size - 8} after the length field: truncated or not safetensors.`);
    if (length > lim.maxHeaderBytes)
      return fail('safetensors.header-too-large', `The header is ${length} bytes, over the ${lim.maxHeaderBytes}-byte limit the safetensors library also enforces.`);
    const { text, valid } = decodeUtf8(await src.read(8, length));
    if (!valid) return fail('safetensors.header-not-utf8', 'The header is not valid UTF-8: not a safetensors file.');
    if (!text.startsWith('{')) return fail('safetensors.bad-header', 'The header does not start with "{": not a safetensors file.');
    json = JSON.parse(text);
  } catch (e) {
    return fail('safetensors.bad-header', `The header could not be read: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('safetensors.bad-header', 'The header is not a JSON object.');
  const problems = new Map<string, string[]>();
  const flag = (code: string, name: string): void => void (problems.get(code) ?? problems.set(code, []).get(code))?.push(name);
  const dataSize = src.size - out.dataOffset;
  for (const [name, entry] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      out.metadata = readMetadata(entry, out.findings);
      continue;
    }
    const t = parseEntry(name, entry);
    if (!t) { flag('safetensors.bad-entry', name); continue; }
    if (t.end > dataSize) { flag('safetensors.offset-out-of-range', name); continue; }
    const size = DTYPE_BYTES[t.dtype];
    if (size !== undefined && (t.end - t.begin) !== size * product(t.shape)) { flag('safetensors.size-mismatch', name); continue; }
    out.tensors.set(name, t);
  }
  const describe: Record<string, string> = {
    'safetensors.bad-entry': 'malformed entries (dtype, shape or data_offsets)',
    'safetensors.offset-out-of-range': 'tensors whose data_offsets run past the end of the file',
    'safetensors.size-mismatch': 'tensors whose byte range does not match dtype × shape',
  };
  for (const [code, names] of problems)
    out.findings.push(finding('error', code, `${names.length} ${describe[code]}: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}.`, names[0] ?? null));
  out.complete = problems.size === 0;
  return out;
}

function parseEntry(name: string, entry: unknown): SafetensorsTensor | null {
  if (typeof entry !== 'object' || entry === null) return null;
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  if (typeof dtype !== 'string' || !Array.isArray(shape) || !shape.every(isCount)) return null;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) return null;
  const [begin, end] = offsets as [number, number];
  if (begin > end) return null;
  return { name, dtype, shape: shape as number[], begin, end };
}

function readMetadata(entry: unknown, findings: Finding[]): Record<string, string> | null {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    findings.push(finding('warning', 'safetensors.bad-metadata', '__metadata__ must be an object of strings; it is ignored.'));
    return null;
  }
  const out: Record<string, string> = {};
  const bad: string[] = [];
  for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
    else bad.push(k);
  }
  // One finding however many: a header can hold a million of them.
  if (bad.length)
    findings.push(finding('warning', 'safetensors.bad-metadata', `${bad.length === 1 ? `__metadata__.${bad[0]} is` : `${bad.length} __metadata__ values are`} not a string (${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', …' : ''}); the safetensors library rejects such files.`, `__metadata__.${bad[0]}`));
  return out;
}

function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

export interface PositionTableMatch {
  name: string;
  /** `learned`: GPT-2/BERT/CLIP/OPT style [N, D]; `vit`: [1, N(+1), D] with a class-token row. */
  kind: 'learned' | 'vit';
  rows: number;
  dim: number;
}

/** Names of learned position tables, most specific first. The ViT forms have no `.weight` suffix. */
const TABLE_NAMES: [RegExp, 'learned' | 'vit'][] = [
  [/(^|\.)wpe\.weight$/, 'learned'],
  [/(^|\.)position_embeddings\.weight$/, 'learned'],
  [/(^|\.)embeddings\.position_embedding(\.weight)?$/, 'learned'],
  [/(^|\.)embed_positions\.weight$/, 'learned'],
  [/(^|\.)position_embeddings$/, 'vit'],
  [/(^|\.)pos_embed$/, 'vit'],
];

/** A tensor name that looks like a learned position table (for shard indexes, where shapes are unknown). */
export function positionTableName(names: Iterable<string>): string | null {
  const list = [...names];
  for (const [re] of TABLE_NAMES) {
    const hit = list.find((n) => re.test(n));
    if (hit) return hit;
  }
  return null;
}

/** Every learned position table in a header (CLIP has one per tower), most specific name first. */
export function findPositionTables(tensors: ReadonlyMap<string, Pick<SafetensorsTensor, 'shape'>>): PositionTableMatch[] {
  const out: PositionTableMatch[] = [];
  for (const [re, kind] of TABLE_NAMES) {
    for (const [name, t] of tensors) {
      if (!re.test(name) || out.some((m) => m.name === name)) continue;
      const s = t.shape;
      if (s.length === 2 && s[0] && s[1]) out.push({ name, kind, rows: s[0], dim: s[1] });
      else if (s.length === 3 && s[0] === 1 && s[1] && s[2]) out.push({ name, kind, rows: s[1], dim: s[2] });
    }
  }
  return out;
}

const scratch = new DataView(new ArrayBuffer(4));

/** `count` little-endian F32, F16 or BF16 values as float32. */
export function toFloat32(raw: Uint8Array, dtype: string, count: number): Float32Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float32Array(count);
  if (dtype === 'F32') for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  else if (dtype === 'BF16') {
    for (let i = 0; i < count; i++) {
      scratch.setUint32(0, view.getUint16(i * 2, true) << 16); // bf16 is the top half of an f32
      out[i] = scratch.getFloat32(0);
    }
  } else for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // subnormal
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

export interface SafetensorsIndex {
  weightMap: Map<string, string>;
  findings: Finding[];
}

/** model.safetensors.index.json: which shard file holds each tensor. */
export function parseSafetensorsIndex(text: string): SafetensorsIndex {
  const out: SafetensorsIndex = { weightMap: new Map(), findings: [] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    out.findings.push(finding('error', 'safetensors.bad-index', `The index is not valid JSON: ${e instanceof Error ? e.message : String(e)}`));
    return out;
  }
  const map = typeof json === 'object' && json !== null ? (json as Record<string, unknown>)['weight_map'] : undefined;
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    out.findings.push(finding('error', 'safetensors.bad-index', 'The index has no weight_map object.'));
    return out;
  }
  for (const [name, file] of Object.entries(map as Record<string, unknown>)) {
    // Shard names are file names beside the index; anything path-like is refused rather than followed.
    if (typeof file === 'string' && file !== '' && !/[\\/]|^\.\.?$/.test(file)) out.weightMap.set(name, file);
    else out.findings.push(finding('warning', 'safetensors.bad-shard-name', `weight_map["${name}"] is not a plain shard file name; it is ignored.`, `weight_map.${name}`));
  }
  return out;
}

/** The shard that holds the position table, if the index names one. */
export function findPositionTableShard(index: SafetensorsIndex, hint: string | null = null): { name: string; shard: string } | null {
  // A tower hint (`text`, `vision`) picks between CLIP-like towers; without a match, the usual order decides.
  const names = [...index.weightMap.keys()];
  const name = (hint !== null ? positionTableName(names.filter((n) => n.includes(hint))) : null) ?? positionTableName(names);
  const shard = name === null ? undefined : index.weightMap.get(name);
  return name !== null && shard !== undefined ? { name, shard } : null;
}
