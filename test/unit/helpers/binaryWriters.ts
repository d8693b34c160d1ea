// Tiny writers for the binary formats the readers parse, so tests build exactly the (good or broken)
// files they need instead of shipping model files.
import { GGUF_TYPE } from '../../../src/core/formats/gguf';

/** A growable byte buffer with typed appends (little-endian unless told otherwise). */
export class ByteWriter {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  length = 0;
  constructor(readonly littleEndian = true) {}

  private grow(n: number): number {
    if (this.length + n > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    const at = this.length;
    this.length += n;
    return at;
  }
  u8(v: number): this { const at = this.grow(1); this.view.setUint8(at, v); return this; }
  u32(v: number): this { const at = this.grow(4); this.view.setUint32(at, v, this.littleEndian); return this; }
  i32(v: number): this { const at = this.grow(4); this.view.setInt32(at, v, this.littleEndian); return this; }
  f32(v: number): this { const at = this.grow(4); this.view.setFloat32(at, v, this.littleEndian); return this; }
  f64(v: number): this { const at = this.grow(8); this.view.setFloat64(at, v, this.littleEndian); return this; }
  u64(v: number | bigint): this { const at = this.grow(8); this.view.setBigUint64(at, BigInt(v), this.littleEndian); return this; }
  bytes(b: Uint8Array): this { const at = this.grow(b.length); this.buf.set(b, at); return this; }
  /** A GGUF string: u64 length then the bytes. */
  str(s: string | Uint8Array): this {
    const b = typeof s === 'string' ? new TextEncoder().encode(s) : s;
    return this.u64(b.length).bytes(b);
  }
  pad(align: number): this { while (this.length % align) this.u8(0); return this; }
  result(): Uint8Array { return this.buf.slice(0, this.length); }
}

export type GgufArrayValue = { elemType: number; items: unknown[] };
type Entry = { key: string | Uint8Array; type: number; value: unknown };

/** Builds a GGUF file: magic, version, counts, key/values, tensor infos, aligned data. */
export class GgufBuilder {
  readonly entries: Entry[] = [];
  readonly tensors: { name: string; dims: number[]; type: number; offset: number }[] = [];
  constructor(readonly opts: { bigEndian?: boolean; version?: number } = {}) {}

  kv(key: string | Uint8Array, type: number, value: unknown): this {
    this.entries.push({ key, type, value });
    return this;
  }
  str(key: string, v: string): this { return this.kv(key, GGUF_TYPE.STRING, v); }
  u32(key: string, v: number): this { return this.kv(key, GGUF_TYPE.UINT32, v); }
  f32(key: string, v: number): this { return this.kv(key, GGUF_TYPE.FLOAT32, v); }
  bool(key: string, v: boolean): this { return this.kv(key, GGUF_TYPE.BOOL, v); }
  arr(key: string, elemType: number, items: unknown[]): this { return this.kv(key, GGUF_TYPE.ARRAY, { elemType, items }); }
  tensor(name: string, dims: number[], type = 0, offset = 0): this {
    this.tensors.push({ name, dims, type, offset });
    return this;
  }

  /** The file bytes; `data` (tensor bytes) then `dataBytes` of zeros follow the tensor table aligned to `align` (32). */
  build(over: { kvCount?: bigint; tensorCount?: bigint; magic?: string; dataBytes?: number; data?: Uint8Array; align?: number } = {}): Uint8Array {
    const w = new ByteWriter(!this.opts.bigEndian);
    w.bytes(new TextEncoder().encode(over.magic ?? 'GGUF'));
    w.u32(this.opts.version ?? 3);
    w.u64(over.tensorCount ?? BigInt(this.tensors.length));
    w.u64(over.kvCount ?? BigInt(this.entries.length));
    for (const e of this.entries) {
      w.str(e.key).u32(e.type);
      writeValue(w, e.type, e.value);
    }
    for (const t of this.tensors) {
      w.str(t.name).u32(t.dims.length);
      for (const d of t.dims) w.u64(d);
      w.u32(t.type).u64(t.offset);
    }
    w.pad(over.align ?? 32);
    if (over.data) w.bytes(over.data);
    for (let i = 0; i < (over.dataBytes ?? 0); i++) w.u8(0);
    return w.result();
  }
}

export function writeValue(w: ByteWriter, type: number, value: unknown): void {
  switch (type) {
    case GGUF_TYPE.UINT8: case GGUF_TYPE.INT8: case GGUF_TYPE.BOOL: w.u8(Number(value)); break;
    case GGUF_TYPE.UINT16: case GGUF_TYPE.INT16: w.u8(Number(value) & 0xff).u8(Number(value) >> 8); break;
    case GGUF_TYPE.UINT32: w.u32(Number(value)); break;
    case GGUF_TYPE.INT32: w.i32(Number(value)); break;
    case GGUF_TYPE.FLOAT32: w.f32(Number(value)); break;
    case GGUF_TYPE.FLOAT64: w.f64(Number(value)); break;
    case GGUF_TYPE.UINT64: case GGUF_TYPE.INT64: w.u64(BigInt(value as number)); break;
    case GGUF_TYPE.STRING: w.str(value as string); break;
    case GGUF_TYPE.ARRAY: {
      const a = value as GgufArrayValue;
      w.u32(a.elemType).u64(a.items.length);
      for (const item of a.items) writeValue(w, a.elemType, item);
      break;
    }
    default: break; // unknown types are written with no value: the reader must stop at the type
  }
}

export interface StTensor { name: string; dtype: string; shape: number[]; data: Uint8Array; offsets?: [number, number] }

/** Builds a safetensors file; `headerLength` overrides the length field, `offsets` a tensor's range. */
export function buildSafetensors(tensors: StTensor[], opts: { metadata?: Record<string, unknown>; headerLength?: bigint } = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (opts.metadata) header['__metadata__'] = opts.metadata;
  let at = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: t.offsets ?? [at, at + t.data.length] };
    at += t.data.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const w = new ByteWriter();
  w.u64(opts.headerLength ?? BigInt(json.length)).bytes(json);
  for (const t of tensors) w.bytes(t.data);
  return w.result();
}

export function f32Bytes(values: number[]): Uint8Array {
  const w = new ByteWriter();
  for (const v of values) w.f32(v);
  return w.result();
}

/** bf16: the top 16 bits of each f32 (exact for the test's values). */
export function bf16Bytes(values: number[]): Uint8Array {
  const f = f32Bytes(values);
  const out = new Uint8Array(values.length * 2);
  for (let i = 0; i < values.length; i++) out.set(f.subarray(i * 4 + 2, i * 4 + 4), i * 2);
  return out;
}

/** f16 for values exactly representable with a normal exponent (or zero). */
export function f16Bytes(values: number[]): Uint8Array {
  const w = new ByteWriter();
  for (const v of values) {
    if (v === 0) { w.u8(0).u8(0); continue; }
    const sign = v < 0 ? 0x8000 : 0;
    const e = Math.floor(Math.log2(Math.abs(v)));
    const frac = Math.round((Math.abs(v) / 2 ** e - 1) * 1024);
    const h = sign | ((e + 15) << 10) | frac;
    w.u8(h & 0xff).u8(h >> 8);
  }
  return w.result();
}
