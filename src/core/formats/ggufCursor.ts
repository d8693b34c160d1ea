// The byte-level half of the GGUF reader: a forward-only cursor over a ByteSource that keeps one chunk in
// memory, refuses to walk past the file or the header budget, and reads GGUF's scalar types.
import type { ByteSource } from './byteSource';
import type { GgufValue } from './gguf';

/** Size in bytes of each fixed-size value type (strings and arrays are variable). */
export const FIXED_SIZE: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

const CHUNK = 1 << 20;
const TWO_32 = 2 ** 32;

/** Internal stop signal: turned into a finding at the top level, never escapes. */
export class Stop {
  constructor(readonly code: string, readonly message: string, readonly key: string | null = null) {}
}

/** A forward-only reader over a ByteSource that keeps one chunk in memory. */
export class Cursor {
  pos = 0;
  littleEndian = true;
  private buf: Uint8Array = new Uint8Array(0);
  private bufStart = 0;
  private view: DataView = new DataView(this.buf.buffer, 0, 0);

  /** The file's size, read once: it is asked for on every value of a walk. */
  private readonly size: number;

  constructor(private readonly src: ByteSource, private readonly maxBytes: number) {
    this.size = src.size;
  }

  get remaining(): number {
    return this.size - this.pos;
  }

  /** Ensures n bytes at pos are buffered; returns a promise only when a read is needed (the hot path is sync). */
  ensure(n: number, what: string): Promise<void> | undefined {
    this.bound(n, what);
    if (this.pos >= this.bufStart && this.pos + n <= this.bufStart + this.buf.length) return undefined;
    return this.fill(n, what);
  }

  private async fill(n: number, what: string): Promise<void> {
    const start = this.pos;
    const bytes = await this.src.read(start, Math.min(this.size - start, Math.max(n, CHUNK)));
    if (bytes.length < n) throw new Stop('gguf.truncated', `The file ends while reading ${what} at byte ${start}.`);
    this.buf = bytes;
    this.bufStart = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private bound(n: number, what: string): void {
    if (n > this.remaining) throw new Stop('gguf.truncated', `The file ends while reading ${what}: ${n} bytes needed at byte ${this.pos}, ${this.remaining} left.`);
    if (this.pos + n > this.maxBytes)
      throw new Stop('gguf.header-too-large', `The header runs past ${this.maxBytes} bytes while reading ${what}; reading stopped there.`);
  }

  skip(n: number, what: string): void {
    this.bound(n, what);
    this.pos += n;
  }

  async u32(what: string): Promise<number> {
    const p = this.ensure(4, what);
    if (p) await p;
    const v = this.view.getUint32(this.pos - this.bufStart, this.littleEndian);
    this.pos += 4;
    return v;
  }

  /** A u64 as a number (exact below 2^53; larger values are only ever compared against caps). */
  async u64(what: string): Promise<number> {
    const p = this.ensure(8, what);
    if (p) await p;
    return this.takeU64();
  }

  /**
   * u32/u64 without awaiting when the bytes are already buffered (else null: then await u32/u64). Walking a
   * corrupt header can mean millions of values; a promise per value made that take seconds.
   */
  u32Now(): number | null {
    if (!this.buffered(4)) return null;
    const v = this.view.getUint32(this.pos - this.bufStart, this.littleEndian);
    this.pos += 4;
    return v;
  }

  u64Now(): number | null {
    return this.buffered(8) ? this.takeU64() : null;
  }

  private buffered(n: number): boolean {
    return this.pos >= this.bufStart && this.pos + n <= this.bufStart + this.buf.length && this.pos + n <= this.maxBytes;
  }

  private takeU64(): number {
    const at = this.pos - this.bufStart;
    const a = this.view.getUint32(at, this.littleEndian);
    const b = this.view.getUint32(at + 4, this.littleEndian);
    this.pos += 8;
    return this.littleEndian ? b * TWO_32 + a : a * TWO_32 + b;
  }

  async bytes(n: number, what: string): Promise<Uint8Array> {
    const p = this.ensure(n, what);
    if (p) await p;
    const out = this.buf.subarray(this.pos - this.bufStart, this.pos - this.bufStart + n);
    this.pos += n;
    return out;
  }

  /** One fixed-size scalar of the given GGUF type. */
  async scalar(type: number, what: string): Promise<GgufValue> {
    const size = FIXED_SIZE[type] ?? 0;
    const p = this.ensure(size, what);
    if (p) await p;
    const v = this.view;
    const at = this.pos - this.bufStart;
    const le = this.littleEndian;
    this.pos += size;
    switch (type) {
      case 0: return v.getUint8(at);
      case 1: return v.getInt8(at);
      case 2: return v.getUint16(at, le);
      case 3: return v.getInt16(at, le);
      case 4: return v.getUint32(at, le);
      case 5: return v.getInt32(at, le);
      case 6: return v.getFloat32(at, le);
      case 7: return v.getUint8(at) !== 0;
      case 10: return safeNumber(v.getBigUint64(at, le));
      case 11: return safeNumber(v.getBigInt64(at, le));
      default: return v.getFloat64(at, le);
    }
  }
}

function safeNumber(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
}

