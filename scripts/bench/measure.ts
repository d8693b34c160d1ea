// Shared measuring helpers for `npm run bench`: medians after warm-up, and the result row shape.

export interface Result {
  name: string;
  backend: string;
  median_ms: number;
  /** The same work done the plain way in the same run (ratio = baseline / median, > 1 means faster). */
  baseline_ms: number | null;
  ratio: number | null;
  target_ms: number | null;
  met: boolean | null;
}

export const REPEATS = Number(process.env['PELENS_BENCH_REPEATS'] ?? 9);
export const WARMUP = 2;

/** Median wall time in ms of `fn` after warm-up runs. */
export async function median(fn: () => unknown, repeats = REPEATS, warmup = WARMUP): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Median per call of a fast synchronous function, timing batches so the clock's resolution does not matter. */
export function medianPerCall(fn: () => unknown, batch = 50, repeats = REPEATS): number {
  for (let i = 0; i < batch; i++) fn();
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    times.push((performance.now() - t0) / batch);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
