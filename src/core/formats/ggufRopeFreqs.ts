// The values of a GGUF's `rope_freqs` tensor (Llama 3.1's llama3 factors, written by convert_hf_to_gguf),
// read with one bounded positional read, and what they mean: ggml's rope divides each base frequency θᵢ by
// its factor, so llama.cpp runs θᵢ / fᵢ. When the factors are exactly llama3's, the config gets that
// rope_scaling (transformers' formula, the same frequencies); otherwise the factors themselves.
import type { Finding, Severity } from '../findings';
import { baseInvFreq, llama3InvFreq } from '../rope/frequencies';
import type { ByteSource } from './byteSource';
import type { GgufHeader, GgufTensorInfo } from './gguf';
import { validAlignment } from './ggufValues';

/** One factor per frequency pair; head dims in use are ≤ 1024, so this bounds the read to 256 KB. */
const MAX_FACTORS = 65536;
/** A factor read from F32 agrees with llama3's float64 formula to float32 rounding (the converter works in float32). */
const MATCH_TOLERANCE = 1e-5;

export interface RopeFreqsRead {
  tensor: GgufTensorInfo | null;
  /** The factors, or null when there is no tensor or it could not be read (see findings). */
  values: Float32Array | null;
  findings: Finding[];
}

function finding(severity: Severity, code: string, message: string, key: string | null): Finding {
  return { severity, code, runtime: 'llama.cpp', message, key, range: null };
}

export function ropeFreqsTensor(tensors: readonly GgufTensorInfo[]): GgufTensorInfo | undefined {
  return tensors.find((t) => t.name === 'rope_freqs' || t.name.startsWith('rope_freqs.'));
}

/**
 * Reads `rope_freqs.weight` when it is what llama.cpp loads: F32, `expected` values (n_rot/2; a wrong count
 * is reported by ggufToConfig from the header alone and not read here), aligned, inside the file, finite and
 * positive. Never throws.
 */
export async function readRopeFreqs(src: ByteSource, header: GgufHeader, expected: number | null): Promise<RopeFreqsRead> {
  const t = ropeFreqsTensor(header.tensors) ?? null;
  const out: RopeFreqsRead = { tensor: t, values: null, findings: [] };
  if (!t) return out;
  const fail = (code: string, message: string): RopeFreqsRead => {
    out.findings.push(finding('error', code, `${message} Its factors were not read, so the frequencies shown are unscaled.`, t.name));
    return out;
  };
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (header.dataOffset === null) return fail('gguf.rope-freqs-unread', `The header was not read to its end, so where tensor "${t.name}" lies is unknown.`);
  if (t.type !== 0) return fail('gguf.rope-freqs-type', `Tensor "${t.name}" has ggml type ${t.type}, not F32 (0): ggml's rope takes F32 frequency factors only, so llama.cpp cannot use it.`);
  if ((expected !== null && count !== expected) || count === 0) return out;
  if (count > MAX_FACTORS) return fail('gguf.rope-freqs-size', `Tensor "${t.name}" claims ${count} factors; a rotary dimension needs at most a few hundred.`);
  const align = alignmentOf(header);
  if (t.offset % align !== 0) return fail('gguf.rope-freqs-misaligned', `Tensor "${t.name}" starts at data offset ${t.offset}, not a multiple of the alignment ${align}; llama.cpp refuses such files.`);
  const start = header.dataOffset + t.offset;
  const bytes = count * 4;
  if (start + bytes > src.size) return fail('gguf.rope-freqs-out-of-range', `Tensor "${t.name}" (${bytes} bytes at byte ${start}) runs past the end of the ${src.size}-byte file: truncated or corrupt.`);
  let raw: Uint8Array;
  try {
    raw = await src.read(start, bytes);
  } catch (e) {
    return fail('gguf.rope-freqs-unread', `Tensor "${t.name}" could not be read: ${e instanceof Error ? e.message : String(e)}.`);
  }
  if (raw.length !== bytes) return fail('gguf.rope-freqs-out-of-range', `The file ended while reading tensor "${t.name}".`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = view.getFloat32(i * 4, header.littleEndian);
  const bad = values.findIndex((v) => !(Number.isFinite(v) && v > 0));
  if (bad >= 0) return fail('gguf.rope-freqs-bad-value', `Factor ${bad} of tensor "${t.name}" is ${values[bad]}: every factor divides a frequency and must be a positive finite number (llama.cpp would compute infinite or NaN angles).`);
  out.values = values;
  return out;
}

function alignmentOf(header: Pick<GgufHeader, 'kv'>): number {
  return validAlignment(header.kv.get('general.alignment')) ?? 32;
}

export interface Llama3Match {
  factor: number;
  /** original_max_position_embeddings / low_freq_factor and / high_freq_factor: all the factors determine. */
  lowFreqWavelen: number;
  highFreqWavelen: number;
  /** Largest |fᵢ − llama3ᵢ| / llama3ᵢ over the pairs. */
  maxRelDiff: number;
}

/**
 * Whether the factors are llama3 scaling for this base and rotary dim. Only s, L₀/low and L₀/high shape the
 * factors, so they are recovered from the blended pairs (k = (1/f − 1/s)/(1 − 1/s) is linear in 1/λ) and
 * then checked pair by pair against the core's llama3 formula.
 */
export function matchLlama3(factors: ArrayLike<number>, theta: number, rotaryDim: number): Llama3Match | null {
  const base = baseInvFreq(theta, rotaryDim);
  const n = factors.length;
  if (n !== base.length || n === 0) return null;
  let s = 0;
  for (let i = 0; i < n; i++) s = Math.max(s, factors[i]!);
  if (!(s > 1 + MATCH_TOLERANCE)) return null;
  s = Number(s.toPrecision(6)); // an f32 factor of 8 reads back as 8; 1.1 as 1.100000023841858
  const xs: number[] = [];
  const ks: number[] = [];
  let lastOne = 0;
  let firstFull = Infinity;
  for (let i = 0; i < n; i++) {
    const f = factors[i]!;
    const lambda = (2 * Math.PI) / base[i]!;
    if (Math.abs(f - 1) <= MATCH_TOLERANCE) lastOne = Math.max(lastOne, lambda);
    else if (Math.abs(f - s) <= MATCH_TOLERANCE * s) firstFull = Math.min(firstFull, lambda);
    else {
      xs.push(1 / lambda);
      ks.push((1 / f - 1 / s) / (1 - 1 / s));
    }
  }
  const candidates: [number, number][] = [];
  if (xs.length >= 2) {
    const fit = lineFit(xs, ks);
    // k = 0 at 1/λ = 1/A (low-frequency wavelength), k = 1 at 1/λ = 1/B (high-frequency wavelength).
    if (fit && fit.a !== 0) candidates.push([nice(-fit.a / fit.b), nice(fit.a / (1 - fit.b))]);
  } else if (xs.length === 0 && lastOne < 8192 && 8192 < firstFull) candidates.push([8192, 8192]); // a step (Llama 4)
  candidates.push([8192, 2048]); // Llama 3.1/3.2/3.3: original 8192, low 1, high 4
  for (const [A, B] of candidates) {
    if (!(A > 0 && B > 0 && A >= B && Number.isFinite(A))) continue;
    const scaled = llama3InvFreq(theta, rotaryDim, s, 1, A / B, A);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const expected = base[i]! / scaled[i]!;
      worst = Math.max(worst, Math.abs(factors[i]! - expected) / expected);
    }
    if (worst <= MATCH_TOLERANCE) return { factor: s, lowFreqWavelen: A, highFreqWavelen: B, maxRelDiff: worst };
  }
  return null;
}

function lineFit(xs: number[], ys: number[]): { a: number; b: number } | null {
  const n = xs.length;
  const mx = xs.reduce((p, x) => p + x, 0) / n;
  const my = ys.reduce((p, y) => p + y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i]! - mx) ** 2;
    sxy += (xs[i]! - mx) * (ys[i]! - my);
  }
  if (sxx === 0) return null;
  const a = sxy / sxx;
  return { a, b: my - a * mx };
}

/** Lengths recovered from float32 factors are integers in every real config; snap when that close. */
function nice(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - r) <= 1e-3 * Math.abs(v) ? r : v;
}

type Setter = (path: string, value: unknown, ggufKey: string, isFloat?: boolean) => void;
type Note = (severity: Severity, code: string, message: string, key: string | null) => void;

const fmt = (v: number): string => String(Number(v.toPrecision(6)));

/**
 * Puts what llama.cpp computes from the factors into the config: llama3 rope_scaling when they are llama3's,
 * else the factors as a per-pair list (transformers' longrope form with equal short and long factors and
 * attention factor 1, i.e. θᵢ / fᵢ at every length). `linearFactor` is llama.cpp's freq_scale applied on top.
 */
export function applyRopeFreqs(
  factors: Float32Array, name: string, p: { theta: number; rotaryDim: number | null; scalingType: string | null; linearFactor: number | null },
  set: Setter, note: Note,
): void {
  if (p.rotaryDim === null) {
    note('warning', 'gguf.rope-freqs-unused', `Tensor "${name}" holds ${factors.length} factors but the rotary dimension is unknown, so they cannot be placed.`, name);
    return;
  }
  if (p.scalingType !== null && p.scalingType !== 'linear') {
    note('warning', 'gguf.rope-freqs-combined', `llama.cpp divides each frequency by the "${name}" factors and then applies ${p.scalingType} scaling on top; the analysis here shows ${p.scalingType} without the factors.`, name);
    return;
  }
  if (factors.every((f) => Math.abs(f - 1) <= MATCH_TOLERANCE)) {
    note('info', 'gguf.rope-freqs-identity', `Tensor "${name}" holds ${factors.length} factors, all 1: llama.cpp's frequencies are unchanged by it.`, name);
    return;
  }
  const m = p.scalingType === null ? matchLlama3(factors, p.theta, p.rotaryDim) : null;
  if (m) {
    set('rope_scaling.rope_type', 'llama3', name);
    set('rope_scaling.factor', m.factor, name, true);
    set('rope_scaling.low_freq_factor', 1, name, true);
    set('rope_scaling.high_freq_factor', m.lowFreqWavelen / m.highFreqWavelen, name, true);
    set('rope_scaling.original_max_position_embeddings', m.lowFreqWavelen, name, false);
    note('info', 'gguf.rope-freqs-llama3', `Tensor "${name}": llama.cpp divides each frequency θᵢ by these ${factors.length} factors. They are llama3 scaling (as in Llama 3.1) to float32 precision (largest relative difference ${m.maxRelDiff.toExponential(1)}): factor ${fmt(m.factor)}, wavelengths below ${fmt(m.highFreqWavelen)} tokens kept, above ${fmt(m.lowFreqWavelen)} divided by ${fmt(m.factor)}. Shown as original_max_position_embeddings ${fmt(m.lowFreqWavelen)} with low_freq_factor 1 and high_freq_factor ${fmt(m.lowFreqWavelen / m.highFreqWavelen)}: the factors fix only original/low and original/high, not the two apart.`, name);
    return;
  }
  const s = p.linearFactor ?? 1;
  const combined = Array.from(factors, (f) => Number((f * s).toPrecision(9)));
  set('rope_scaling.rope_type', 'longrope', name);
  set('rope_scaling.short_factor', combined, name, true);
  set('rope_scaling.long_factor', combined, name, true);
  set('rope_scaling.attention_factor', 1, name, true);
  const lo = Math.min(...factors);
  const hi = Math.max(...factors);
  note('info', 'gguf.rope-freqs-factors', `Tensor "${name}": llama.cpp divides each frequency θᵢ by its factor (${fmt(lo)}…${fmt(hi)}${s !== 1 ? `, times the linear factor ${fmt(s)}` : ''}). They are not llama3's, so they are shown as per-pair factors (transformers' longrope form, the same list for short and long, attention factor 1): the frequencies are exactly θᵢ / fᵢ.`, name);
}
