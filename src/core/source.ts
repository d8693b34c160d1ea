// A format-neutral tree of a config file with the source range of every key and value. JSON/JSONC, YAML
// and GGUF readers all produce this tree, so the extraction and analysis never care where a value came from.

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type JsonPath = (string | number)[];

export type SrcType = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

export interface SrcNode {
  type: SrcType;
  /** Plain JS value of this node (objects and arrays fully materialised). */
  value: unknown;
  path: JsonPath;
  /** Range and offsets of the value itself; null where the source has no text positions (binary formats). */
  range: Range | null;
  offset: number;
  length: number;
  /** Range of the property name when this node is an object member. */
  keyRange: Range | null;
  /** Offset and length of the property name (quotes included) when this node is an object member. */
  keyOffset?: number;
  keyLength?: number;
  /** Number literals as written (`4` vs `4.0`): Python runtimes treat int and float differently. */
  raw?: string;
  /** Object members in source order (the last duplicate wins, as JSON.parse does). */
  children?: Map<string, SrcNode>;
  items?: SrcNode[];
}

/** Maps offsets to line/character positions (UTF-16 code units, as VS Code counts them). */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }
  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - (this.starts[lo] ?? 0) };
  }
  range(offset: number, length: number): Range {
    return { start: this.position(offset), end: this.position(offset + length) };
  }
  offsetAt(pos: Position): number {
    const start = this.starts[Math.max(0, Math.min(pos.line, this.starts.length - 1))] ?? 0;
    return start + pos.character;
  }
}

export function child(node: SrcNode | null | undefined, key: string): SrcNode | null {
  if (!node || node.type !== 'object' || !node.children) return null;
  return node.children.get(key) ?? null;
}

export function isObject(node: SrcNode | null | undefined): node is SrcNode & { children: Map<string, SrcNode> } {
  return !!node && node.type === 'object' && !!node.children;
}

export function pathToKey(path: JsonPath): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[');
}

/** Finds the deepest node whose key or value range contains the offset (for hovers). */
export function nodeAtOffset(root: SrcNode | null, offset: number): { node: SrcNode; onKey: boolean } | null {
  let best: { node: SrcNode; onKey: boolean } | null = null;
  const visit = (n: SrcNode, keyStart: number | null, keyEnd: number | null): void => {
    if (keyStart !== null && keyEnd !== null && offset >= keyStart && offset <= keyEnd) best = { node: n, onKey: true };
    // Containers built from other formats (training YAML mapped to config keys) have no span of their own.
    const synthetic = n.length === 0 && (!!n.children || !!n.items);
    if (!synthetic) {
      if (offset < n.offset || offset > n.offset + n.length) return;
      best = { node: n, onKey: false };
    }
    if (n.children) for (const c of n.children.values()) visit(c, c.keyOffset ?? null, c.keyOffset !== undefined ? c.keyOffset + (c.keyLength ?? 0) : null);
    if (n.items) for (const c of n.items) visit(c, null, null);
  };
  if (root) visit(root, null, null);
  return best;
}

export function nodeAtPath(root: SrcNode | null, path: JsonPath): SrcNode | null {
  let n: SrcNode | null = root;
  for (const p of path) {
    if (!n) return null;
    if (typeof p === 'number') n = n.items?.[p] ?? null;
    else n = n.children?.get(p) ?? null;
  }
  return n;
}
