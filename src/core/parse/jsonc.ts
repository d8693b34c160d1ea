// JSON as people write it (comments, trailing commas) into a SrcNode tree, with every syntax problem
// reported as a finding instead of an exception.
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { Finding } from '../findings';
import { LineIndex, type JsonPath, type SrcNode } from '../source';

export interface ParsedDocument {
  root: SrcNode | null;
  lines: LineIndex;
  findings: Finding[];
}

export function parseJsonc(text: string): ParsedDocument {
  const lines = new LineIndex(text);
  const errors: ParseError[] = [];
  let tree: Node | undefined;
  try {
    tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
  } catch (e) {
    // jsonc-parser does not throw on bad input, but the contract here is "never throw on user input".
    return { root: null, lines, findings: [syntaxFinding(`Could not parse the file: ${String(e)}`, lines, 0, 0)] };
  }
  const findings = errors.slice(0, 20).map((e) =>
    syntaxFinding(`JSON syntax: ${describe(printParseErrorCode(e.error))}`, lines, e.offset, e.length),
  );
  const root = tree ? convert(tree, [], lines, 0, text) : null;
  return { root, lines, findings };
}

function describe(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function syntaxFinding(message: string, lines: LineIndex, offset: number, length: number): Finding {
  return { severity: 'error', code: 'syntax', runtime: 'lens', message, key: null, range: lines.range(offset, length) };
}

const MAX_DEPTH = 64;

function convert(n: Node, path: JsonPath, lines: LineIndex, depth: number, text: string): SrcNode {
  const base = { path, range: lines.range(n.offset, n.length), offset: n.offset, length: n.length, keyRange: null };
  if (n.type === 'object') {
    const children = new Map<string, SrcNode>();
    const value: Record<string, unknown> = {};
    if (depth < MAX_DEPTH) {
      for (const prop of n.children ?? []) {
        const [k, v] = prop.children ?? [];
        if (!k || typeof k.value !== 'string') continue;
        const key = k.value;
        const node: SrcNode = v
          ? convert(v, [...path, key], lines, depth + 1, text)
          : { type: 'null', value: null, path: [...path, key], range: lines.range(k.offset, k.length), offset: k.offset, length: k.length, keyRange: null };
        node.keyRange = lines.range(k.offset, k.length);
        node.keyOffset = k.offset;
        node.keyLength = k.length;
        children.delete(key); // a repeated key moves to its last position, as the value JSON.parse keeps
        children.set(key, node);
        value[key] = node.value;
      }
    }
    return { ...base, type: 'object', value, children };
  }
  if (n.type === 'array') {
    const items = depth < MAX_DEPTH ? (n.children ?? []).map((c, i) => convert(c, [...path, i], lines, depth + 1, text)) : [];
    return { ...base, type: 'array', value: items.map((i) => i.value), items };
  }
  const type = n.type === 'string' || n.type === 'number' || n.type === 'boolean' || n.type === 'null' ? n.type : 'null';
  if (type === 'number') return { ...base, type, value: n.value, raw: text.slice(n.offset, n.offset + n.length) };
  return { ...base, type, value: n.value ?? null };
}
