// Shared pieces of the fuzz properties: case counts (quick in `npm test`, scaled by `npm run fuzz -- N`),
// a hang detector, a ByteSource that records what a reader asks for, and byte-level mutations of seeds.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ByteSource } from '../../../src/core/formats/byteSource';
import type { Finding } from '../../../src/core/findings';

const FUZZ_RUNS = process.env['PELENS_FUZZ_RUNS'];
// node:test prints only an error's message; fast-check otherwise keeps the failing assertion in `cause`.
fc.configureGlobal({ ...fc.readConfigureGlobal(), includeErrorInReport: true });

/** Cases per property: `quick` under `npm test`, PELENS_FUZZ_RUNS each under `npm run fuzz -- N`. */
export function runs(quick: number): number {
  const n = Number(FUZZ_RUNS);
  return FUZZ_RUNS !== undefined && Number.isInteger(n) && n > 0 ? n : quick;
}

/** A property's seed: fixed so `npm test` is reproducible; PELENS_FUZZ_SEED shifts every property to new cases. */
export function seed(base: number): number {
  const shift = Number(process.env['PELENS_FUZZ_SEED'] ?? 0);
  return Number.isInteger(shift) ? base + shift : base;
}

/** The whole test's timeout: generous, so only a real hang trips it (node:test reports the test then). */
export function testTimeout(quick: number, perCaseMs = 60): number {
  return Math.max(120_000, runs(quick) * perCaseMs * 4);
}

/**
 * One case must finish within this: a hang detector, not a performance assertion (the slowest legitimate
 * case is a few ms; a loop driven by a corrupt count runs for seconds or forever).
 */
export const HANG_MS = Number(process.env['PELENS_FUZZ_HANG_MS'] ?? 2000);

/** Runs one case and fails it if it took longer than HANG_MS. */
export async function bounded<T>(what: string, run: () => T | Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await run();
  const ms = performance.now() - t0;
  assert.ok(ms < HANG_MS, `${what} took ${Math.round(ms)} ms (hang bound ${HANG_MS} ms)`);
  return out;
}

/** Wraps a ByteSource and records every request: the checks on what a reader may read go through it. */
export class CountingSource implements ByteSource {
  reads = 0;
  /** Sum of the lengths asked for (not of what came back). */
  requested = 0;
  largest = 0;
  constructor(private readonly inner: ByteSource) {}

  get size(): number {
    return this.inner.size;
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    assert.ok(Number.isSafeInteger(offset) && offset >= 0, `read at offset ${offset}`);
    assert.ok(Number.isSafeInteger(length) && length >= 0, `read of length ${length}`);
    assert.ok(offset + length <= this.inner.size, `read [${offset}, ${offset + length}) past the end (${this.inner.size})`);
    this.reads++;
    this.requested += length;
    this.largest = Math.max(this.largest, length);
    return this.inner.read(offset, length);
  }
}

/**
 * A file much larger than memory: `head` then `fill` bytes up to `size` (a sparse 10 GB model, or a length
 * field pointing far past the seed). Reads are served without allocating more than they ask for.
 */
export class SparseSource implements ByteSource {
  constructor(private readonly head: Uint8Array, readonly size: number, private readonly fill = 0) {}

  async read(offset: number, length: number): Promise<Uint8Array> {
    const start = Math.max(0, Math.min(offset, this.size));
    const end = Math.max(start, Math.min(offset + Math.max(0, length), this.size));
    const out = new Uint8Array(end - start).fill(this.fill);
    if (start < this.head.length) out.set(this.head.subarray(start, Math.min(end, this.head.length)));
    return out;
  }
}

/** Length and count values a corrupt header may hold. */
export const HUGE_U64 = [0n, 1n, 7n, 0xffn, 0xffffffffn, 0x100000000n, 2n ** 31n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 64n - 13n];
export const ODD_U32 = [0, 1, 2, 3, 4, 8, 9, 12, 13, 30, 255, 0x7fffffff, 0x80000000, 0xffffffff];

export type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'truncate'; at: number }
  | { op: 'splice'; at: number; remove: number; insert: Uint8Array }
  | { op: 'u64'; at: number; value: bigint; le: boolean }
  | { op: 'u32'; at: number; value: number; le: boolean }
  | { op: 'repeat'; from: number; length: number; to: number };

export const mutation: fc.Arbitrary<(bytes: Uint8Array) => Uint8Array> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.constantFrom(0, 0xff, 0x80, 0x7f, 0xc0, 0xfe) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('splice' as const), at: fc.nat(), remove: fc.nat({ max: 64 }), insert: fc.uint8Array({ maxLength: 32 }) }),
  fc.record({ op: fc.constant('u64' as const), at: fc.nat(), value: fc.constantFrom(...HUGE_U64), le: fc.boolean() }),
  fc.record({ op: fc.constant('u32' as const), at: fc.nat(), value: fc.constantFrom(...ODD_U32), le: fc.boolean() }),
  fc.record({ op: fc.constant('repeat' as const), from: fc.nat(), length: fc.integer({ min: 1, max: 256 }), to: fc.nat() }),
).map((m: Mutation) => (bytes: Uint8Array) => applyMutation(bytes, m));

/** Applies one mutation; offsets wrap around the current length so every mutation lands somewhere. */
export function applyMutation(bytes: Uint8Array, m: Mutation): Uint8Array {
  const n = bytes.length;
  const at = (i: number): number => (n === 0 ? 0 : i % n);
  const out = bytes.slice();
  switch (m.op) {
    case 'flip': if (n) out[at(m.at)]! ^= 1 << m.bit; return out;
    case 'set': if (n) out[at(m.at)] = m.value; return out;
    case 'truncate': return bytes.slice(0, at(m.at));
    case 'splice': {
      const i = at(m.at);
      return concat(bytes.subarray(0, i), m.insert, bytes.subarray(Math.min(n, i + m.remove)));
    }
    case 'u64': case 'u32': {
      const size = m.op === 'u64' ? 8 : 4;
      if (n < size) return out;
      const i = m.at % (n - size + 1);
      const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
      if (m.op === 'u64') v.setBigUint64(i, m.value, m.le);
      else v.setUint32(i, m.value, m.le);
      return out;
    }
    case 'repeat': {
      const from = at(m.from);
      const piece = bytes.subarray(from, Math.min(n, from + m.length));
      const to = at(m.to);
      return concat(bytes.subarray(0, to), piece, bytes.subarray(to));
    }
  }
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Up to `max` mutations of one seed, applied in order. */
export function mutated(seeds: fc.Arbitrary<Uint8Array>, max = 4): fc.Arbitrary<Uint8Array> {
  return fc.tuple(seeds, fc.array(mutation, { minLength: 1, maxLength: max })).map(([seed, ms]) => ms.reduce((b, m) => m(b), seed));
}

/** Textual mutations of a text seed (delete, insert, duplicate a slice, swap in an odd token). */
export function mutatedText(seeds: fc.Arbitrary<string>, tokens: readonly string[]): fc.Arbitrary<string> {
  const edit = fc.oneof(
    fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.string({ maxLength: 6 })).map(([at, del, ins]) => (t: string) => {
      const i = at % (t.length + 1);
      return t.slice(0, i) + ins + t.slice(i + del);
    }),
    fc.tuple(fc.nat(), fc.nat({ max: 12 }), fc.constantFrom(...tokens)).map(([at, del, tok]) => (t: string) => {
      const i = at % (t.length + 1);
      return t.slice(0, i) + tok + t.slice(i + del);
    }),
    fc.tuple(fc.nat(), fc.integer({ min: 1, max: 200 }), fc.nat()).map(([from, len, to]) => (t: string) => {
      const f = from % (t.length + 1);
      const i = to % (t.length + 1);
      return t.slice(0, i) + t.slice(f, f + len) + t.slice(i);
    }),
    fc.nat().map((at) => (t: string) => t.slice(0, at % (t.length + 1))),
  );
  return fc.tuple(seeds, fc.array(edit, { minLength: 1, maxLength: 4 })).map(([seed, es]) => es.reduce((t, e) => e(t), seed));
}

/**
 * Every finding says something: a code, a known severity, a message without a leaked `undefined` or
 * `[object Object]` (NaN and Infinity may appear: a message may quote a value the file holds).
 */
export function assertFindingsClear(findings: readonly Finding[]): void {
  for (const f of findings) {
    assert.ok(f.code.length > 0, 'a finding without a code');
    assert.ok(f.message.trim().length > 0, `finding ${f.code} has no message`);
    assert.ok(['error', 'warning', 'info'].includes(f.severity), `finding ${f.code} has severity ${f.severity}`);
    assert.ok(!/\bundefined\b|\[object /.test(f.message), `finding ${f.code} leaks a non-value: ${f.message}`);
  }
}

/** Numbers printed in produced text (SVG attributes, Markdown) are finite. */
export function assertNoNonFinite(text: string, what: string): void {
  const m = /\bNaN\b|-?\bInfinity\b/.exec(text);
  assert.ok(!m, `${what} contains ${m?.[0]} near: ${text.slice(Math.max(0, (m?.index ?? 0) - 80), (m?.index ?? 0) + 40)}`);
}
