// Key edits applied to a parsed value instead of to text: the same result for the analysis (numbers, keys,
// nesting), without the formatting-preserving text edit, which re-parses the document once per key. The
// panel uses it to get the frequencies of every compared method on each target change.
import type { JsonPath } from '../source';
import { FloatValue, type KeyEdit } from './jsonEdit';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function plain(v: unknown): unknown {
  if (v instanceof FloatValue) return v.value;
  if (Array.isArray(v)) return v.map(plain);
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** A copy of `value` with each edit applied in order (undefined removes the key; objects are made on the way). */
export function applyKeyEditsToValue(value: unknown, edits: readonly KeyEdit[]): unknown {
  const root = structuredClone(isRecord(value) ? value : {}) as Record<string, unknown>;
  for (const e of edits) {
    const path: JsonPath = e.path;
    if (path.length === 0) continue;
    let node: Record<string, unknown> | unknown[] = root;
    for (const key of path.slice(0, -1)) {
      const next: unknown = (node as Record<string | number, unknown>)[key];
      if (!isRecord(next) && !Array.isArray(next)) (node as Record<string | number, unknown>)[key] = {};
      node = (node as Record<string | number, unknown>)[key] as Record<string, unknown>;
    }
    const last = path[path.length - 1]!;
    if (e.value === undefined) {
      if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1);
      else delete (node as Record<string | number, unknown>)[last];
    } else (node as Record<string | number, unknown>)[last] = plain(e.value);
  }
  return root;
}
