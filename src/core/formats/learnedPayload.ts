// A learned position table on the wire between the extension host and the panel: the sampled rows as the
// base64 of their little-endian float32 bytes (5.3 bytes a value, against ~20 for a JSON number list), and
// the check the webview runs on what it receives before drawing anything from it.
import type { LearnedRows } from './learnedRows';

export interface LearnedTableData {
  /** Tensor name in the weights (`wpe.weight`, `vit.embeddings.position_embeddings`). */
  name: string;
  dtype: string;
  kind: 'learned' | 'vit';
  shape: number[];
  /** Positions in the table (ViT: class token + patches) and values per position. */
  rows: number;
  dim: number;
  /** Row j of `data` is position j · stride; rowsUsed = ⌈rows / stride⌉. */
  stride: number;
  rowsUsed: number;
  /** rowsUsed × dim float32 values, little-endian, base64. */
  data: string;
  /** Milliseconds the host spent reading the rows. */
  readMs: number;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const INDEX = new Int16Array(128).fill(-1);
const CODES = new Uint8Array(64);
for (let i = 0; i < ALPHABET.length; i++) {
  INDEX[ALPHABET.charCodeAt(i)] = i;
  CODES[i] = ALPHABET.charCodeAt(i);
}

/** Standard base64 with padding (no Buffer or btoa: this runs in the host and in the webview alike). */
export function encodeBase64(bytes: Uint8Array): string {
  // ASCII codes into a byte array, decoded to a string at once: per-character string concatenation took
  // over a second for a 3 MB table, String.fromCharCode over chunks a few hundred ms.
  const codes = new Uint8Array(4 * Math.ceil(bytes.length / 3));
  let o = 0;
  for (let i = 0; i < bytes.length; i += 3) {
    const rest = bytes.length - i;
    const n = (bytes[i]! << 16) | ((rest > 1 ? bytes[i + 1]! : 0) << 8) | (rest > 2 ? bytes[i + 2]! : 0);
    codes[o++] = CODES[n >> 18]!;
    codes[o++] = CODES[(n >> 12) & 63]!;
    codes[o++] = rest > 1 ? CODES[(n >> 6) & 63]! : 61;
    codes[o++] = rest > 2 ? CODES[n & 63]! : 61;
  }
  return ascii.decode(codes);
}

// TextDecoder exists wherever this runs (Node, the VS Code host, browsers) but not in the ES2022 lib: reached
// through a structural type, as in byteSource.ts. Base64 is ASCII, which windows-1252 ("ascii") maps 1:1.
type AsciiDecoder = { decode(input: Uint8Array): string };
const ascii = new (globalThis as unknown as { TextDecoder: new (label: string) => AsciiDecoder }).TextDecoder('ascii');

/** Decodes standard padded base64; null on any character or length that is not base64. */
export function decodeBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0) return null;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  const at = (i: number): number => {
    const ch = text.charCodeAt(i);
    return ch < 128 ? INDEX[ch]! : -1;
  };
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    // '=' only as padding at the very end; everything else must be in the alphabet.
    const a = at(i);
    const b = at(i + 1);
    const c = last && pad === 2 ? 0 : at(i + 2);
    const d = last && pad >= 1 ? 0 : at(i + 3);
    if ((a | b | c | d) < 0) return null;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

export function toLearnedTableData(r: LearnedRows, readMs: number): LearnedTableData {
  const bytes = new Uint8Array(r.data.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < r.data.length; i++) view.setFloat32(i * 4, r.data[i]!, true);
  return { name: r.name, dtype: r.dtype, kind: r.kind, shape: [...r.shape], rows: r.rows, dim: r.dim, stride: r.stride, rowsUsed: r.rowsUsed, data: encodeBase64(bytes), readMs };
}

/** Identity of one read of one table: the webview caches the decoded table under it, and tells the host, which
 *  then leaves the megabytes of data out of the next replies (target changes, layer switches). */
export function learnedKey(source: string, t: Pick<LearnedTableData, 'name' | 'rows' | 'stride' | 'readMs'>): string {
  return `${source}|${t.name}|${t.rows}|${t.stride}|${t.readMs}`;
}

/** Values the webview accepts at most (the host sends ≤ 2M); anything larger is refused unread. */
const MAX_VALUES = 1 << 22;

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/** Checks a received table and decodes its values; the webview draws only what passes. */
export function parseLearnedTable(raw: unknown): { ok: true; meta: LearnedTableData; values: Float32Array } | { ok: false; error: string } {
  const bad = (error: string) => ({ ok: false as const, error: `learned table: ${error}` });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad('not an object');
  const t = raw as Record<string, unknown>;
  if (typeof t['name'] !== 'string' || t['name'].length > 500 || typeof t['dtype'] !== 'string' || t['dtype'].length > 16) return bad('name or dtype invalid');
  if (t['kind'] !== 'learned' && t['kind'] !== 'vit') return bad('kind must be learned or vit');
  const { rows, dim, stride, rowsUsed, shape, data, readMs } = t;
  if (!isCount(rows) || !isCount(dim) || !isCount(stride) || !isCount(rowsUsed)) return bad('rows, dim, stride and rowsUsed must be positive integers');
  if (rowsUsed !== Math.ceil(rows / stride)) return bad(`rowsUsed ${rowsUsed} is not ⌈${rows}/${stride}⌉`);
  if (rowsUsed * dim > MAX_VALUES) return bad(`${rowsUsed} × ${dim} values exceed ${MAX_VALUES}`);
  if (!Array.isArray(shape) || shape.length > 8 || !shape.every(isCount)) return bad('shape must be a list of positive integers');
  if (typeof readMs !== 'number' || !Number.isFinite(readMs)) return bad('readMs must be a number');
  if (typeof data !== 'string' || data.length !== 4 * Math.ceil((rowsUsed * dim * 4) / 3)) return bad(`data must be base64 of ${rowsUsed} × ${dim} float32 values`);
  const bytes = decodeBase64(data);
  if (!bytes || bytes.length !== rowsUsed * dim * 4) return bad('data is not valid base64 of the stated size');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float32Array(rowsUsed * dim);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
  return { ok: true, meta: t as unknown as LearnedTableData, values };
}
