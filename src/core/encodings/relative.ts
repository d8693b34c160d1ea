// Formulas of the non-rotary relative encodings: ALiBi slopes and T5's relative-position buckets.

/** Geometric slopes 2^(−maxBias·h/n), h = 1…n, for n a power of two. */
function powerOfTwoSlopes(n: number, maxBias: number): number[] {
  const out: number[] = [];
  for (let h = 1; h <= n; h++) out.push(Math.pow(2, (-maxBias * h) / n));
  return out;
}

/**
 * ALiBi head slopes as BLOOM/MPT compute them: for n not a power of two, the slopes of the closest lower
 * power k, then every other slope of 2k, first n − k of them.
 */
export function alibiSlopes(numHeads: number, maxBias = 8): number[] {
  const n = Math.floor(numHeads);
  if (!(n > 0) || n > 65536) return [];
  // A bias that is not a positive finite number (NaN, −1e308) would make NaN or infinite slopes: use the default.
  const bias = Number.isFinite(maxBias) && maxBias > 0 ? maxBias : 8;
  const k = Math.pow(2, Math.floor(Math.log2(n)));
  const slopes = powerOfTwoSlopes(k, bias);
  if (k === n) return slopes;
  const extra = powerOfTwoSlopes(2 * k, bias).filter((_, i) => i % 2 === 0).slice(0, n - k);
  return slopes.concat(extra);
}

/** The bias ALiBi adds to the attention logit of a query at distance `distance` behind, for one head. */
export function alibiBias(slope: number, distance: number): number {
  return -slope * Math.abs(distance);
}

/**
 * T5's bucket for relative position (memory − query). Bidirectional: half the buckets per direction;
 * exact buckets for small offsets, logarithmic up to max_distance, saturating after.
 */
export function t5Bucket(relativePosition: number, numBuckets = 32, maxDistance = 128, bidirectional = true): number {
  let buckets = numBuckets;
  let ret = 0;
  let n = relativePosition;
  if (bidirectional) {
    buckets = Math.floor(buckets / 2);
    if (n > 0) ret += buckets;
    n = Math.abs(n);
  } else {
    n = Math.max(-n, 0);
  }
  const maxExact = Math.floor(buckets / 2);
  if (n < maxExact) return ret + n;
  const large = maxExact + Math.floor((Math.log(n / maxExact) / Math.log(maxDistance / maxExact)) * (buckets - maxExact));
  // With max_distance ≤ max_exact the log ratio is negative, infinite or NaN: transformers then indexes outside
  // its bucket table and fails (extraction reports it); such offsets are placed in the last bucket here.
  return ret + (large >= maxExact ? Math.min(large, buckets - 1) : Math.max(0, buckets - 1));
}

/** Smallest offset from which every larger offset shares one bucket (T5 sees no difference beyond it). */
export function t5SaturationDistance(numBuckets = 32, maxDistance = 128, bidirectional = true): number {
  const last = t5Bucket(bidirectional ? 1 << 30 : -(1 << 30), numBuckets, maxDistance, bidirectional);
  let lo = 0;
  let hi = 1 << 30;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (t5Bucket(bidirectional ? mid : -mid, numBuckets, maxDistance, bidirectional) >= last) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
