// YAML (training recipes: axolotl, LLaMA-Factory) into the same SrcNode tree as JSONC, with the source
// range of every key and value, and every syntax problem reported as a finding instead of an exception.
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { Finding, Severity } from '../findings';
import { LineIndex, pathToKey, type JsonPath, type SrcNode } from '../source';
import type { ParsedDocument } from '../parse/jsonc';

const MAX_DEPTH = 64;
/** Bounds the tree, aliases included: `&a [*b, *b]` chains can otherwise expand exponentially. */
const MAX_NODES = 100_000;
const MAX_MESSAGES = 20;

export function parseYaml(text: string): ParsedDocument {
  // LineIndex counts UTF-16 units like the yaml package's offsets and VS Code, and is what the JSONC
  // reader hands out, so hovers and diagnostics treat both formats alike.
  const lines = new LineIndex(text);
  const findings: Finding[] = [];
  const report = (severity: Severity, code: string, message: string, offset: number, length: number, key: string | null = null): void => {
    if (findings.length < MAX_MESSAGES) findings.push({ severity, code, runtime: 'lens', message, key, range: lines.range(offset, length) });
  };
  let doc: Document.Parsed;
  try {
    // uniqueKeys off: PyYAML (which the training tools use) keeps the last duplicate; it is reported below.
    doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false, strict: false });
  } catch (e) {
    report('error', 'syntax', `Could not parse the file: ${e instanceof Error ? e.message : String(e)}`, 0, 0);
    return { root: null, lines, findings };
  }
  for (const e of doc.errors) report('error', 'syntax', `YAML syntax: ${firstLine(e.message)}`, e.pos[0], Math.max(0, e.pos[1] - e.pos[0]));
  for (const w of doc.warnings) report('warning', 'yaml.warning', `YAML: ${firstLine(w.message)}`, w.pos[0], Math.max(0, w.pos[1] - w.pos[0]));
  const state = { nodes: 0, truncated: false };
  // Alias.resolve walks the whole document; an alias used inside an expanded alias is resolved again each
  // time, so an alias bomb cost seconds before the node cap stopped it. One walk per alias node.
  const targets = new Map<YamlNode, YamlNode | undefined>();
  const root = doc.contents ? convert(doc.contents as YamlNode, [], 0) : null;
  if (state.truncated) report('warning', 'yaml.too-large', `The document has more than ${MAX_NODES} values (or nests deeper than ${MAX_DEPTH}); the rest is ignored.`, 0, 0);
  return { root, lines, findings };

  function convert(node: YamlNode, path: JsonPath, depth: number): SrcNode {
    const [start, end] = node.range ?? [0, 0];
    const base = { path, range: lines.range(start, end - start), offset: start, length: end - start, keyRange: null };
    if (++state.nodes > MAX_NODES || depth > MAX_DEPTH) {
      state.truncated = true;
      return { ...base, type: 'null', value: null };
    }
    if (isAlias(node)) {
      const target = targets.has(node) ? targets.get(node) : targets.set(node, node.resolve(doc) as YamlNode | undefined).get(node);
      if (!target) return { ...base, type: 'null', value: null };
      // The values live at the anchor; the alias's own position is where this key uses them.
      return { ...convert(target, path, depth + 1), range: base.range, offset: start, length: end - start };
    }
    if (isMap(node)) {
      const children = new Map<string, SrcNode>();
      const value: Record<string, unknown> = {};
      for (const pair of node.items) {
        if (state.nodes > MAX_NODES) break; // past the cap every further value would be one more null
        const k = pair.key;
        if (!isScalar(k) || (typeof k.value === 'object' && k.value !== null)) {
          const at = (k as YamlNode | null)?.range?.[0] ?? start;
          report('warning', 'yaml.complex-key', 'A complex (non-scalar) key is ignored.', at, 0);
          continue;
        }
        const key = k.value === null ? '' : String(k.value);
        const [ks, ke] = k.range ?? [start, start];
        const childPath = [...path, key];
        const v = pair.value as YamlNode | null;
        const child: SrcNode = v
          ? convert(v, childPath, depth + 1)
          : { type: 'null', value: null, path: childPath, range: lines.range(ke, 0), offset: ke, length: 0, keyRange: null };
        child.keyRange = lines.range(ks, ke - ks);
        child.keyOffset = ks;
        child.keyLength = ke - ks;
        if (children.has(key)) report('warning', 'yaml.duplicate-key', `\`${pathToKey(childPath)}\` is set twice; the last value wins.`, ks, ke - ks, pathToKey(childPath));
        children.delete(key); // the last duplicate wins and takes the last position
        children.set(key, child);
        value[key] = child.value;
      }
      return { ...base, type: 'object', value, children };
    }
    if (isSeq(node)) {
      const items: SrcNode[] = [];
      for (const item of node.items) {
        if (state.nodes > MAX_NODES) break;
        items.push(convert(item as YamlNode, [...path, items.length], depth + 1));
      }
      return { ...base, type: 'array', value: items.map((n) => n.value), items };
    }
    if (isScalar(node)) {
      const v = node.value;
      if (typeof v === 'number') return { ...base, type: 'number', value: v, raw: text.slice(start, end) };
      if (typeof v === 'bigint') return { ...base, type: 'number', value: Number(v), raw: text.slice(start, end) };
      if (typeof v === 'boolean') return { ...base, type: 'boolean', value: v };
      if (typeof v === 'string') return { ...base, type: 'string', value: v };
      if (v === null || v === undefined) return { ...base, type: 'null', value: null };
      return { ...base, type: 'string', value: String(v) };
    }
    return { ...base, type: 'null', value: null };
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}

/**
 * How PyYAML (YAML 1.1, what axolotl and LLaMA-Factory load recipes with) types a plain number: it needs a
 * dot for a float and a signed exponent, so `1e6` and `1.0e6` are strings there though YAML 1.2 reads numbers.
 */
export function pyyamlNumberKind(raw: string): 'int' | 'float' | 'string' {
  const s = raw.trim();
  if (/^[-+]?(0|[1-9][0-9_]*)$/.test(s) || /^0x[0-9a-fA-F_]+$/.test(s) || /^0o?[0-7_]+$/.test(s)) return 'int';
  if (/^[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?$/.test(s) && /[0-9]/.test(s)) return 'float';
  if (/^[-+]?\.(inf|Inf|INF)$/.test(s) || /^\.(nan|NaN|NAN)$/.test(s)) return 'float';
  return 'string';
}
