// How GGUF metadata values are judged and quoted: shared by the header reader, its config mapping and the
// rope_freqs reader, so each says the same thing about the same value.
import type { GgufValue } from './gguf';

/** general.alignment when llama.cpp accepts it: a u32 power of two (the bit test alone passes Infinity, NaN, 0.5). */
export function validAlignment(v: GgufValue | undefined): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= 2 ** 31 && (v & (v - 1)) === 0 ? v : null;
}

/** A value as a message shows it: arrays by their length, strings quoted (String() of an array is "[object Object]"). */
export function shown(v: GgufValue): string {
  if (typeof v === 'object') return `an array of ${v.count} items`;
  return typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : String(v);
}
