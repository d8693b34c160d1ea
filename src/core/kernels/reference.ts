// Float64 reference kernels: the single source of truth for the maths the side panel draws.
// The ONNX graphs in ../onnx are checked against these; nothing here goes through float32.

/** A dense row-major matrix. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** Per-pixel envelope of a score curve: bucket p covers distances [bucketStart(p), bucketStart(p + 1)). */
export interface Envelope {
  maxDistance: number;
  pixels: number;
  min: Float64Array;
  max: Float64Array;
}

/**
 * The frequencies that rotate. Zero (or non-finite) entries are pairs left unrotated (e.g. `proportional`,
 * partial rotary): they add a constant to every score, so they are left out of H rather than flattening the curve.
 */
export function rotatingFrequencies(invFreq: readonly number[]): number[] {
  return invFreq.filter((f) => f !== 0 && Number.isFinite(f));
}

/** Number of buckets actually used: at most one per distance. */
export function envelopePixels(maxDistance: number, pixels: number): number {
  return Math.max(1, Math.min(Math.floor(pixels), maxDistance + 1));
}

/** First distance of bucket p when distances 0..maxDistance are split into `pixels` equal buckets. */
export function bucketStart(p: number, maxDistance: number, pixels: number): number {
  return Math.floor((p * (maxDistance + 1)) / pixels);
}

/**
 * RoFormer relative score s(d) = (scale/H)·Σᵢ cos(d·θᵢ) for one distance, straight from the definition.
 * scale = attentionFactor² (cos and sin are both multiplied by it), so s(0) = 1 for the default factor.
 * With no rotating frequency every distance scores the same: s(d) = scale.
 */
export function scoreAt(invFreq: readonly number[], d: number, attentionFactor = 1): number {
  const freqs = rotatingFrequencies(invFreq);
  const scale = attentionFactor * attentionFactor;
  if (freqs.length === 0) return scale;
  let sum = 0;
  for (const f of freqs) sum += Math.cos(d * f);
  return (scale * sum) / freqs.length;
}

/**
 * The true min/max of s(d) over every integer d = 0..maxDistance in each of `pixels` buckets.
 * Every distance is evaluated: d = k·C + r with cos(dθ) = cos(kCθ)cos(rθ) − sin(kCθ)sin(rθ), where both
 * factors come from Math.cos/Math.sin of float64 angles, so each term is correct to ~1e-15 while the loop
 * needs no trigonometry per distance.
 */
export function scoreEnvelope(invFreq: readonly number[], maxDistance: number, pixels: number, attentionFactor = 1): Envelope {
  const n = maxDistance + 1;
  const px = envelopePixels(maxDistance, pixels);
  const freqs = rotatingFrequencies(invFreq);
  const h = freqs.length;
  const scale = attentionFactor * attentionFactor;
  const min = new Float64Array(px).fill(Infinity);
  const max = new Float64Array(px).fill(-Infinity);
  if (h === 0) return { maxDistance, pixels: px, min: min.fill(scale), max: max.fill(scale) };

  // Setup costs h·chunk cos/sin pairs, the sweep h·n/chunk: a chunk near √n balances the two (short spans
  // such as hover charts would otherwise pay mostly for the table).
  const chunk = Math.min(1024, Math.max(64, 2 ** Math.ceil(Math.log2(Math.sqrt(n)))));
  // cos(rθᵢ), sin(rθᵢ) for r = 0..chunk−1, frequency-major so the inner loop walks memory in order.
  const cr = new Float64Array(h * chunk);
  const sr = new Float64Array(h * chunk);
  for (let i = 0; i < h; i++) {
    for (let r = 0; r < chunk; r++) {
      cr[i * chunk + r] = Math.cos(r * freqs[i]!);
      sr[i * chunk + r] = Math.sin(r * freqs[i]!);
    }
  }
  const row = new Float64Array(chunk);
  let p = 0;
  let nextStart = bucketStart(1, maxDistance, px);
  for (let start = 0; start < n; start += chunk) {
    const width = Math.min(chunk, n - start);
    row.fill(0, 0, width);
    for (let i = 0; i < h; i++) {
      const ck = Math.cos(start * freqs[i]!);
      const sk = Math.sin(start * freqs[i]!);
      const base = i * chunk;
      for (let r = 0; r < width; r++) row[r] = row[r]! + ck * cr[base + r]! - sk * sr[base + r]!;
    }
    for (let r = 0; r < width; r++) {
      const d = start + r;
      while (d >= nextStart && p < px - 1) {
        p++;
        nextStart = bucketStart(p + 1, maxDistance, px);
      }
      const s = (scale * row[r]!) / h;
      if (s < min[p]!) min[p] = s;
      if (s > max[p]!) max[p] = s;
    }
  }
  return { maxDistance, pixels: px, min, max };
}

/**
 * RoPE cos/sin table, [positions × 2H], row p = position p:
 * columns 0..H−1 hold attentionFactor·cos(p·θᵢ), columns H..2H−1 hold attentionFactor·sin(p·θᵢ).
 * This is the "half-split" layout transformers uses (cos/sin of cat(freqs, freqs)) with the duplicate half dropped.
 */
export function encodingTable(invFreq: readonly number[], positions: number, attentionFactor = 1): Matrix {
  const h = invFreq.length;
  const data = new Float64Array(positions * 2 * h);
  for (let p = 0; p < positions; p++) {
    const row = p * 2 * h;
    for (let i = 0; i < h; i++) {
      const angle = p * invFreq[i]!;
      data[row + i] = attentionFactor * Math.cos(angle);
      data[row + h + i] = attentionFactor * Math.sin(angle);
    }
  }
  return { rows: positions, cols: 2 * h, data };
}

/** Vaswani sinusoidal table [positions × dim], interleaved: PE(p, 2i) = sin(p·ωᵢ), PE(p, 2i+1) = cos(p·ωᵢ), ωᵢ = base^(−2i/dim). */
export function sinusoidalTable(positions: number, dim: number, base = 10000): Matrix {
  const data = new Float64Array(positions * dim);
  for (let p = 0; p < positions; p++) {
    for (let j = 0; j < dim; j += 2) {
      const angle = p / Math.pow(base, j / dim);
      data[p * dim + j] = Math.sin(angle);
      if (j + 1 < dim) data[p * dim + j + 1] = Math.cos(angle);
    }
  }
  return { rows: positions, cols: dim, data };
}

/** Euclidean norm of each row. */
export function rowNorms(table: Matrix): Float64Array {
  const norms = new Float64Array(table.rows);
  for (let i = 0; i < table.rows; i++) {
    let sum = 0;
    for (let j = 0; j < table.cols; j++) {
      const v = table.data[i * table.cols + j]!;
      sum += v * v;
    }
    norms[i] = Math.sqrt(sum);
  }
  return norms;
}

/** Cosine similarity of row i with every row; a zero row is similar to nothing (0), itself included. */
export function similarityRow(table: Matrix, i: number, norms: Float64Array = rowNorms(table)): Float64Array {
  const out = new Float64Array(table.rows);
  const { cols, data } = table;
  const ni = norms[i]!;
  for (let j = 0; j < table.rows; j++) {
    const nj = norms[j]!;
    if (ni === 0 || nj === 0) continue;
    let dot = 0;
    for (let c = 0; c < cols; c++) dot += data[i * cols + c]! * data[j * cols + c]!;
    out[j] = dot / (ni * nj);
  }
  return out;
}

/** N×N cosine similarity between the rows (position vectors) of an N×D table. Symmetric; computed once per pair. */
export function similarityMatrix(table: Matrix): Matrix {
  const n = table.rows;
  const { cols, data } = table;
  const norms = rowNorms(table);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const denom = norms[i]! * norms[j]!;
      let dot = 0;
      if (denom !== 0) for (let c = 0; c < cols; c++) dot += data[i * cols + c]! * data[j * cols + c]!;
      const s = denom === 0 ? 0 : dot / denom;
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return { rows: n, cols: n, data: out };
}
