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

export function parseJsonc(source: string): ParsedDocument {
  // A byte-order mark is not JSON to jsonc-parser; read it as one space so every offset stays the same.
  const text = source.charCodeAt(0) === 0xfeff ? ` ${source.slice(1)}` : source;
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

/**
 * A node whose line/character ranges are computed when first read. Most nodes of a big config (label maps,
 * vocabularies) are never shown to the user; building two ranges for each up front was most of the parse
 * time and garbage of a 1 MB config.
 */
class JsonNode implements SrcNode {
  raw?: string;
  children?: Map<string, SrcNode>;
  items?: SrcNode[];
  keyOffset?: number;
  keyLength?: number;
  private rangeMemo: SrcNode['range'] | undefined;
  private keyRangeMemo: SrcNode['keyRange'] | undefined;
  constructor(
    readonly type: SrcNode['type'],
    public value: unknown,
    readonly path: JsonPath,
    readonly offset: number,
    readonly length: number,
    private readonly lines: LineIndex,
  ) {}
  get range(): SrcNode['range'] {
    return (this.rangeMemo ??= this.lines.range(this.offset, this.length));
  }
  set range(r: SrcNode['range']) {
    this.rangeMemo = r;
  }
  get keyRange(): SrcNode['keyRange'] {
    if (this.keyRangeMemo === undefined) this.keyRangeMemo = this.keyOffset === undefined ? null : this.lines.range(this.keyOffset, this.keyLength ?? 0);
    return this.keyRangeMemo;
  }
  set keyRange(r: SrcNode['keyRange']) {
    this.keyRangeMemo = r;
  }
}

function convert(n: Node, path: JsonPath, lines: LineIndex, depth: number, text: string): SrcNode {
  if (n.type === 'object') {
    const children = new Map<string, SrcNode>();
    const value: Record<string, unknown> = {};
    if (depth < MAX_DEPTH) {
      for (const prop of n.children ?? []) {
        const [k, v] = prop.children ?? [];
        if (!k || typeof k.value !== 'string') continue;
        const key = k.value;
        const childPath = [...path, key];
        const node = v ? convert(v, childPath, lines, depth + 1, text) : new JsonNode('null', null, childPath, k.offset, k.length, lines);
        node.keyOffset = k.offset;
        node.keyLength = k.length;
        children.delete(key); // a repeated key moves to its last position, as the value JSON.parse keeps
        children.set(key, node);
        value[key] = node.value;
      }
    }
    const node = new JsonNode('object', value, path, n.offset, n.length, lines);
    node.children = children;
    return node;
  }
  if (n.type === 'array') {
    const items = depth < MAX_DEPTH ? (n.children ?? []).map((c, i) => convert(c, [...path, i], lines, depth + 1, text)) : [];
    const node = new JsonNode('array', items.map((i) => i.value), path, n.offset, n.length, lines);
    node.items = items;
    return node;
  }
  const type = n.type === 'string' || n.type === 'number' || n.type === 'boolean' || n.type === 'null' ? n.type : 'null';
  const node = new JsonNode(type, type === 'number' ? n.value : (n.value ?? null), path, n.offset, n.length, lines);
  if (type === 'number') node.raw = text.slice(n.offset, n.offset + n.length);
  return node;
}
