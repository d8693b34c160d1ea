// A bounded reader for the header of a GGUF file (llama.cpp's model format): the metadata key/values and
// the tensor table, read in chunks through a ByteSource. Every malformed or hostile header ends in a
// finding, never an exception, a hang or an allocation sized by a number read from the file.
//
// Why not @huggingface/gguf: it is built around fetching remote files and materialises whole arrays
// (the tokenizer vocab); this reader needs hard caps, partial results on damage, and no Node or fetch APIs.
import type { Finding, Severity } from '../findings';
import { decodeUtf8, type ByteSource } from './byteSource';
import { Cursor, FIXED_SIZE, Stop } from './ggufCursor';
import { shown, validAlignment } from './ggufValues';

export const GGUF_TYPE = {
  UINT8: 0, INT8: 1, UINT16: 2, INT16: 3, UINT32: 4, INT32: 5, FLOAT32: 6,
  BOOL: 7, STRING: 8, ARRAY: 9, UINT64: 10, INT64: 11, FLOAT64: 12,
} as const;

export interface GgufArray {
  kind: 'array';
  elemType: number;
  count: number;
  /** All items when the array is small, else the first few (`complete` false): vocabularies are skipped. */
  items: GgufValue[];
  complete: boolean;
}
export type GgufValue = number | bigint | boolean | string | GgufArray;

export interface GgufTensorInfo {
  name: string;
  dims: number[];
  /** ggml type id (0 F32, 1 F16, 30 BF16, quantised types otherwise). */
  type: number;
  /** Offset relative to the start of the tensor data section. */
  offset: number;
}

export interface GgufHeader {
  /** null when the magic or version could not be read. */
  version: number | null;
  littleEndian: boolean;
  kv: Map<string, GgufValue>;
  /** Value type of each key (GGUF_TYPE), so callers know an f32 `8` from a u32 `8`. */
  kvTypes: Map<string, number>;
  tensors: GgufTensorInfo[];
  /** Absolute offset of the tensor data section, when the tensor table was read completely. */
  dataOffset: number | null;
  /** Bytes of the file the header walk covered. */
  bytesWalked: number;
  /** False when reading stopped early; `kv` and `tensors` then hold what was read before the problem. */
  complete: boolean;
  findings: Finding[];
}

export interface GgufLimits {
  maxKeyLength: number;
  maxStringLength: number;
  maxKvCount: number;
  maxTensorCount: number;
  maxArrayDepth: number;
  maxDims: number;
  /** Total bytes the header may span (tokenizer arrays included). */
  maxHeaderBytes: number;
  /** Arrays up to this many items are kept whole; longer ones keep only `arrayItemsKept`. */
  arrayMaterialiseLimit: number;
  arrayItemsKept: number;
  /** Array items kept over the whole header: nested arrays could otherwise materialise millions. */
  maxItemsKept: number;
  /** Findings of one code reported individually; the rest are counted in one more finding. */
  maxFindingsPerCode: number;
}

export const DEFAULT_GGUF_LIMITS: GgufLimits = {
  maxKeyLength: 65535, // the GGUF spec's own bound on key length
  maxStringLength: 16 * 1024 * 1024, // chat templates are tens of KB
  maxKvCount: 65536, // real files have 20–60 keys
  maxTensorCount: 262144, // the largest MoE files have a few thousand tensors
  maxArrayDepth: 4, // real files never nest arrays
  maxDims: 8, // GGML_MAX_DIMS is 4
  maxHeaderBytes: 256 * 1024 * 1024, // a 262k-token vocabulary with scores and merges is ~20 MB
  arrayMaterialiseLimit: 1024,
  arrayItemsKept: 16,
  maxItemsKept: 65536,
  maxFindingsPerCode: 10,
};

/** Reads the GGUF header: metadata and tensor table. Never throws; problems are findings. */
export async function readGgufHeader(src: ByteSource, limits: Partial<GgufLimits> = {}): Promise<GgufHeader> {
  const lim: GgufLimits = { ...DEFAULT_GGUF_LIMITS, ...limits };
  const out: GgufHeader = {
    version: null, littleEndian: true, kv: new Map(), kvTypes: new Map(), tensors: [],
    dataOffset: null, bytesWalked: 0, complete: false, findings: [],
  };
  const cur = new Cursor(src, lim.maxHeaderBytes);
  // Thousands of duplicated or non-UTF-8 keys are one problem, not thousands of diagnostics.
  const perCode = new Map<string, { severity: Severity; count: number }>();
  const note = (severity: Severity, code: string, message: string, key: string | null = null): void => {
    const seen = perCode.get(code) ?? perCode.set(code, { severity, count: 0 }).get(code)!;
    if (++seen.count <= lim.maxFindingsPerCode) out.findings.push({ severity, code, runtime: 'llama.cpp', message, key, range: null });
  };
  const reader = new ValueReader(cur, lim, note);
  try {
    const magic = await cur.bytes(4, 'the magic number');
    const magicText = String.fromCharCode(...magic);
    if (magicText !== 'GGUF' && magicText !== 'FUGG') {
      const hex = [...magic].map((b) => b.toString(16).padStart(2, '0')).join(' ');
      throw new Stop('gguf.bad-magic', `Not a GGUF file: it starts with bytes ${hex}, not "GGUF".`);
    }
    let version = await cur.u32('the version');
    if (version !== 2 && version !== 3) {
      const swapped = ((version & 0xff) << 24 | (version & 0xff00) << 8 | (version >>> 8) & 0xff00 | version >>> 24) >>> 0;
      if (swapped === 2 || swapped === 3) {
        cur.littleEndian = false;
        out.littleEndian = false;
        version = swapped;
        note('info', 'gguf.big-endian', 'This GGUF file is big-endian; llama.cpp on little-endian machines cannot load it.');
      } else if (version === 1) {
        throw new Stop('gguf.unsupported-version', 'GGUF version 1 (32-bit lengths) is not supported; llama.cpp dropped it too. Re-convert the model.');
      } else throw new Stop('gguf.unsupported-version', `Unknown GGUF version ${version}; versions 2 and 3 are read.`);
    }
    out.version = version;
    const tensorCount = await cur.u64('the tensor count');
    const kvCount = await cur.u64('the metadata count');
    // Each key/value takes at least 13 bytes (8 length + 4 type + 1 value), so the file size bounds the count.
    if (kvCount > lim.maxKvCount)
      throw new Stop('gguf.kv-count-too-large', `The header claims ${kvCount} metadata entries; at most ${lim.maxKvCount} are read. The file is corrupt or not GGUF.`);
    if (kvCount * 13 > cur.remaining)
      throw new Stop('gguf.truncated', `The header claims ${kvCount} metadata entries but only ${cur.remaining} bytes follow: the file is truncated.`);
    for (let i = 0; i < kvCount; i++) {
      const key = await reader.string('a metadata key', null, lim.maxKeyLength, true);
      const type = await cur.u32(`the type of ${key}`);
      const value = await reader.value(type, 0, key);
      if (out.kv.has(key)) note('warning', 'gguf.duplicate-key', `Metadata key "${key}" appears twice; llama.cpp refuses such files.`, key);
      out.kv.set(key, value);
      out.kvTypes.set(key, type);
    }
    // Tensor infos: at least 8 + 4 + 4 + 8 bytes each.
    if (tensorCount > lim.maxTensorCount)
      throw new Stop('gguf.tensor-count-too-large', `The header claims ${tensorCount} tensors; at most ${lim.maxTensorCount} are read. The metadata above was read; the tensor table was not.`);
    if (tensorCount * 24 > cur.remaining)
      throw new Stop('gguf.truncated', `The header claims ${tensorCount} tensors but only ${cur.remaining} bytes follow: the file is truncated. The metadata above was read.`);
    for (let i = 0; i < tensorCount; i++) out.tensors.push(await reader.tensorInfo());
    out.dataOffset = placeData(out, cur.pos, src.size, note);
    out.complete = true;
  } catch (e) {
    if (e instanceof Stop) note('error', e.code, e.message, e.key);
    else note('error', 'gguf.read-failed', `Could not read the file: ${e instanceof Error ? e.message : String(e)}`);
  }
  for (const [code, { severity, count }] of perCode) {
    if (count > lim.maxFindingsPerCode)
      out.findings.push({ severity, code, runtime: 'llama.cpp', message: `${count - lim.maxFindingsPerCode} more problems like the ones above (${code}) are not listed.`, key: null, range: null });
  }
  out.bytesWalked = cur.pos;
  return out;
}

type Note = (severity: Severity, code: string, message: string, key?: string | null) => void;

/** Reads strings, values and tensor infos with the caps applied. */
class ValueReader {
  private readonly badUtf8 = new Set<string>();
  private itemsLeft: number;
  constructor(private readonly cur: Cursor, private readonly lim: GgufLimits, private readonly note: Note) {
    this.itemsLeft = lim.maxItemsKept;
  }

  async string(what: string, key: string | null, maxLength: number, isKey = false): Promise<string> {
    const cur = this.cur;
    const len = await cur.u64(`the length of ${what}`);
    if (len > cur.remaining)
      throw new Stop('gguf.string-past-end', `The length of ${what} (${len} bytes) runs past the end of the file at byte ${cur.pos}.`, key);
    if (len > maxLength) {
      if (isKey) throw new Stop('gguf.key-too-long', `A metadata key of ${len} bytes exceeds the ${maxLength}-byte limit; the header is corrupt.`, key);
      // A long value (say, a huge chat template) is skipped, keeping a prefix to show.
      const kept = Math.min(256, len);
      const prefix = decodeUtf8(await cur.bytes(kept, what)).text;
      cur.skip(len - kept, what);
      this.note('warning', 'gguf.string-too-long', `${what} is ${len} bytes, over the ${maxLength}-byte limit; only its start was kept.`, key);
      return `${prefix}…`;
    }
    const { text, valid } = decodeUtf8(await cur.bytes(len, what));
    if (!valid) {
      if (isKey) this.note('error', 'gguf.key-not-utf8', `${capitalise(what)} is not valid UTF-8 (read as "${text}"); llama.cpp may not find it.`, text);
      else if (!this.badUtf8.has(key ?? '')) {
        this.badUtf8.add(key ?? ''); // once per key: a vocabulary of broken strings is one problem
        this.note('warning', 'gguf.value-not-utf8', `${what} is not valid UTF-8.`, key);
      }
    }
    return text;
  }

  async value(type: number, depth: number, key: string): Promise<GgufValue> {
    if (type === GGUF_TYPE.STRING) return this.string(`the value of ${key}`, key, this.lim.maxStringLength);
    if (type === GGUF_TYPE.ARRAY) return this.array(depth + 1, key);
    if (FIXED_SIZE[type] === undefined) throw new Stop('gguf.bad-type', `Metadata key "${key}" has unknown value type ${type} (0–12 exist).`, key);
    return this.cur.scalar(type, `the value of ${key}`);
  }

  private async array(depth: number, key: string): Promise<GgufArray> {
    const cur = this.cur;
    if (depth > this.lim.maxArrayDepth)
      throw new Stop('gguf.array-too-deep', `Arrays in "${key}" nest deeper than ${this.lim.maxArrayDepth} levels; the header is corrupt.`, key);
    const elemType = await cur.u32(`the element type of ${key}`);
    const count = await cur.u64(`the length of ${key}`);
    this.checkCount(elemType, count, key);
    const complete = count <= this.lim.arrayMaterialiseLimit && count <= this.itemsLeft;
    const keep = complete ? count : Math.min(this.lim.arrayItemsKept, this.itemsLeft);
    this.itemsLeft -= keep;
    const items: GgufValue[] = [];
    for (let i = 0; i < keep; i++) items.push(await this.value(elemType, depth, key));
    if (count > keep) await this.skipItems(elemType, count - keep, depth, key);
    return { kind: 'array', elemType, count, items, complete };
  }

  /** An array's element type must exist and its count fit in the rest of the file. */
  private checkCount(elemType: number, count: number, key: string): void {
    const minSize = elemType === GGUF_TYPE.STRING ? 8 : elemType === GGUF_TYPE.ARRAY ? 12 : FIXED_SIZE[elemType];
    if (minSize === undefined) throw new Stop('gguf.bad-type', `Array "${key}" has unknown element type ${elemType}.`, key);
    if (count * minSize > this.cur.remaining)
      throw new Stop('gguf.array-count-too-large', `Array "${key}" claims ${count} items, more than the rest of the file can hold.`, key);
  }

  /**
   * Walks `n` items of an array without keeping them: fixed-size runs are skipped unread, strings (a 200k-token
   * vocabulary) and nested arrays are walked by their lengths. An explicit stack and synchronous reads of
   * buffered bytes keep a corrupt header of millions of items to one pass over its bytes.
   */
  private async skipItems(elemType: number, n: number, depth: number, key: string): Promise<void> {
    const cur = this.cur;
    const stack = [{ type: elemType, left: n, depth }];
    for (let top = stack[0]; top; top = stack[stack.length - 1]) {
      const size = FIXED_SIZE[top.type];
      if (top.left === 0 || size !== undefined) {
        if (size !== undefined) cur.skip(top.left * size, `array ${key}`);
        stack.pop();
        continue;
      }
      if (top.type === GGUF_TYPE.STRING) {
        for (; top.left > 0; top.left--) {
          const len = cur.u64Now() ?? (await cur.u64(`a string in ${key}`));
          if (len > cur.remaining)
            throw new Stop('gguf.string-past-end', `A string in "${key}" (${len} bytes) runs past the end of the file at byte ${cur.pos}.`, key);
          if (len > this.lim.maxStringLength)
            throw new Stop('gguf.string-too-long', `A string in "${key}" is ${len} bytes, over the ${this.lim.maxStringLength}-byte limit.`, key);
          cur.skip(len, key);
        }
        continue;
      }
      // An item that is itself an array: its header, checked as array() checks it, then its items.
      top.left--;
      if (top.depth + 1 > this.lim.maxArrayDepth)
        throw new Stop('gguf.array-too-deep', `Arrays in "${key}" nest deeper than ${this.lim.maxArrayDepth} levels; the header is corrupt.`, key);
      const type = cur.u32Now() ?? (await cur.u32(`the element type of ${key}`));
      const count = cur.u64Now() ?? (await cur.u64(`the length of ${key}`));
      this.checkCount(type, count, key);
      const itemSize = FIXED_SIZE[type];
      if (itemSize !== undefined) cur.skip(count * itemSize, `array ${key}`);
      else stack.push({ type, left: count, depth: top.depth + 1 });
    }
  }

  async tensorInfo(): Promise<GgufTensorInfo> {
    const cur = this.cur;
    const name = await this.string('a tensor name', null, this.lim.maxKeyLength, true);
    const nDims = await cur.u32(`the dimension count of tensor ${name}`);
    if (nDims > this.lim.maxDims) throw new Stop('gguf.bad-tensor', `Tensor "${name}" claims ${nDims} dimensions (ggml allows 4).`, name);
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) dims.push(await cur.u64(`a dimension of tensor ${name}`));
    const type = await cur.u32(`the type of tensor ${name}`);
    const offset = await cur.u64(`the offset of tensor ${name}`);
    return { name, dims, type, offset };
  }
}

/** Bytes per element of the unquantised ggml types whose size is exact. */
const ELEMENT_BYTES: Record<number, number> = { 0: 4, 1: 2, 30: 2 };

/** Aligns the data section and checks every tensor starts (and, for plain types, ends) inside the file. */
function placeData(out: GgufHeader, tableEnd: number, fileSize: number, note: Note): number {
  const declared = out.kv.get('general.alignment');
  const align = validAlignment(declared) ?? 32;
  if (declared !== undefined && align !== declared)
    note('warning', 'gguf.bad-alignment', `general.alignment is ${shown(declared)}, not a power of two; llama.cpp rejects the file. 32 is assumed here.`, 'general.alignment');
  const dataOffset = Math.ceil(tableEnd / align) * align;
  const outside: string[] = [];
  for (const t of out.tensors) {
    const per = ELEMENT_BYTES[t.type];
    const end = dataOffset + t.offset + (per === undefined ? 0 : per * t.dims.reduce((a, b) => a * b, 1));
    if (dataOffset + t.offset > fileSize || end > fileSize) outside.push(t.name);
  }
  if (outside.length)
    note('error', 'gguf.tensor-out-of-range', `${outside.length} tensor(s) lie outside the file (${outside.slice(0, 5).join(', ')}${outside.length > 5 ? ', …' : ''}): the file is truncated or corrupt.`);
  return dataOffset;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Display name of a value type. */
export function ggufTypeName(type: number): string {
  return Object.entries(GGUF_TYPE).find(([, v]) => v === type)?.[0].toLowerCase() ?? `type ${type}`;
}
