// SrcNode trees for values that have no source text (binary headers, values derived from other files), so
// they can go through the same extraction as a parsed config.json. Every range is null.
import { pathToKey, type JsonPath, type SrcNode } from '../source';

const MAX_DEPTH = 64;

/**
 * Builds a SrcNode from a plain JS value. `floatKeys` (dotted paths) marks numbers that were floats in
 * the source, so an integral float keeps a `raw` of `8.0`: Python runtimes treat int and float differently.
 */
export function srcFromValue(value: unknown, path: JsonPath = [], floatKeys?: ReadonlySet<string>, depth = 0): SrcNode {
  const base = { path, range: null, offset: 0, length: 0, keyRange: null };
  if (value === null || value === undefined) return { ...base, type: 'null', value: null };
  if (typeof value === 'boolean') return { ...base, type: 'boolean', value };
  if (typeof value === 'string') return { ...base, type: 'string', value };
  if (typeof value === 'bigint') return { ...base, type: 'number', value: Number(value), raw: value.toString() };
  if (typeof value === 'number') {
    const isFloat = floatKeys?.has(pathToKey(path)) ?? false;
    const raw = isFloat && Number.isInteger(value) ? `${value}.0` : String(value);
    return { ...base, type: 'number', value, raw };
  }
  if (Array.isArray(value)) {
    const items = depth < MAX_DEPTH ? value.map((v, i) => srcFromValue(v, [...path, i], floatKeys, depth + 1)) : [];
    return { ...base, type: 'array', value: items.map((n) => n.value), items };
  }
  if (typeof value === 'object') {
    const children = new Map<string, SrcNode>();
    const plain: Record<string, unknown> = {};
    if (depth < MAX_DEPTH) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const node = srcFromValue(v, [...path, k], floatKeys, depth + 1);
        children.set(k, node);
        plain[k] = node.value;
      }
    }
    return { ...base, type: 'object', value: plain, children };
  }
  return { ...base, type: 'null', value: null }; // functions, symbols: not config values
}
