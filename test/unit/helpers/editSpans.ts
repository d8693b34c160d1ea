// Byte-level checks for edits of config files: where an edit of given keys may change bytes, whether the
// bytes outside those places are identical, and whether encoding, line endings, indentation and the final
// newline survived. Independent of src/core/edit: spans come from jsonc-parser's own tree.
import { findNodeAtLocation, parseTree, type Node, type ParseError } from 'jsonc-parser';
import type { JsonPath } from '../../../src/core/source';

export const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export interface Target {
  path: JsonPath;
  /** The edit deletes the key (its comma and the whitespace before it may go too). */
  removed: boolean;
}

export type Span = [start: number, end: number];

export function stripBom(bytes: Buffer): { text: string; bom: boolean } {
  const bom = bytes.subarray(0, 3).equals(BOM);
  return { text: bytes.subarray(bom ? 3 : 0).toString('utf8'), bom };
}

export function parseErrors(text: string): ParseError[] {
  const errors: ParseError[] = [];
  parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  return errors;
}

/** Where, in UTF-16 offsets of `text`, an edit of `t` may change characters. */
function spanOf(root: Node, t: Target): Span {
  const value = findNodeAtLocation(root, t.path);
  if (value) {
    const prop = value.parent?.type === 'property' ? value.parent : value;
    if (!t.removed) return [prop.offset, prop.offset + prop.length];
    const obj = prop.parent!;
    const i = obj.children!.indexOf(prop);
    const prev = obj.children![i - 1];
    const next = obj.children![i + 1];
    return [prev ? prev.offset + prev.length : obj.offset + 1, next ? next.offset : obj.offset + obj.length - 1];
  }
  // Not there yet: it is added to the nearest object that exists, after its last member.
  for (let k = t.path.length - 1; k >= 0; k--) {
    const anc = k === 0 ? root : findNodeAtLocation(root, t.path.slice(0, k));
    if (!anc) continue;
    if (anc.type !== 'object') return anc.parent?.type === 'property' ? [anc.parent.offset, anc.parent.offset + anc.parent.length] : [anc.offset, anc.offset + anc.length];
    const last = anc.children?.[anc.children.length - 1];
    return last ? [last.offset + last.length, anc.offset + anc.length - 1] : [anc.offset, anc.offset + anc.length];
  }
  throw new Error(`no place for ${t.path.join('.')}`);
}

/** Byte spans (in the file's bytes, BOM included) an edit of `targets` may change, merged and sorted. */
export function allowedByteSpans(text: string, bomLength: number, targets: readonly Target[]): Span[] {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  if (!root) throw new Error('unparseable original');
  const toByte = (off: number): number => bomLength + Buffer.byteLength(text.slice(0, off), 'utf8');
  const spans = targets.map((t) => spanOf(root, t)).map(([a, b]): Span => [toByte(a), toByte(b)]).sort((x, y) => x[0] - y[0]);
  const merged: Span[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([...s]);
  }
  return merged;
}

/** The one region [start, endBefore) of `before` that differs from `after` (common prefix and suffix trimmed). */
export function changedRegion(before: Buffer, after: Buffer): Span | null {
  if (before.equals(after)) return null;
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = before.length;
  let endA = after.length;
  while (end > start && endA > start && before[end - 1] === after[endA - 1]) {
    end--;
    endA--;
  }
  return [start, end];
}

/**
 * Null when `after` is `before` with only the bytes inside `spans` changed, i.e. the bytes between and
 * around the spans appear in `after` unchanged and in order; else what is wrong.
 */
export function outsideUnchanged(before: Buffer, after: Buffer, spans: readonly Span[]): string | null {
  const keep: Span[] = [];
  let pos = 0;
  for (const [a, b] of spans) {
    keep.push([pos, a]);
    pos = b;
  }
  keep.push([pos, before.length]);
  const first = before.subarray(keep[0]![0], keep[0]![1]);
  if (!after.subarray(0, first.length).equals(first)) return `bytes before ${keep[0]![1]} changed`;
  const lastSpan = keep[keep.length - 1]!;
  const last = before.subarray(lastSpan[0], lastSpan[1]);
  const lastAt = after.length - last.length;
  if (lastAt < first.length || !after.subarray(lastAt).equals(last)) return `bytes from ${lastSpan[0]} to the end changed`;
  // Greedy earliest placement of the middle pieces is optimal for ordered, non-overlapping matches.
  let at = first.length;
  for (const [a, b] of keep.slice(1, -1)) {
    const i = after.indexOf(before.subarray(a, b), at);
    if (i < 0 || i + (b - a) > lastAt) return `bytes ${a}..${b} between the edited keys changed`;
    at = i + (b - a);
  }
  return null;
}

/** What the file's form says about itself: line endings, indentation, final newline, BOM. */
export function formOf(bytes: Buffer): { bom: boolean; crlf: boolean; lf: boolean; cr: boolean; tabs: boolean; spaces: boolean; finalNewline: string } {
  const { text, bom } = stripBom(bytes);
  return {
    bom,
    crlf: /\r\n/.test(text),
    lf: /(^|[^\r])\n/.test(text),
    cr: /\r(?!\n)/.test(text),
    tabs: /\n\t/.test(text),
    spaces: /\n /.test(text),
    finalNewline: /\r?\n$/.exec(text)?.[0] ?? '',
  };
}

/** Null when `after` keeps the form of `before` (nothing new: no LF in a CRLF file, no tabs in a spaced one). */
export function formKept(before: Buffer, after: Buffer): string | null {
  const b = formOf(before);
  const a = formOf(after);
  for (const k of ['bom', 'finalNewline'] as const) if (a[k] !== b[k]) return `${k} ${JSON.stringify(b[k])} → ${JSON.stringify(a[k])}`;
  for (const k of ['crlf', 'lf', 'cr', 'tabs', 'spaces'] as const) if (a[k] && !b[k]) return `introduces ${k}`;
  return null;
}

/** Each `// cN` marker comment (see editCorpus's "line comments" form) and the key on its line. */
function markedComments(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    for (const c of line.matchAll(/\/\/ (c\d+)\b/g)) out.set(c[1]!, /"([^"]*)"\s*:/.exec(line)?.[1] ?? '');
  }
  return out;
}

/**
 * Null when every marker comment survives, on the line of the same key — except the comments of removed
 * members (they go with them) and of the edited keys themselves (they stay, wherever the value now ends).
 */
export function commentsKept(before: string, after: string, targets: readonly Target[]): string | null {
  // The edited keys and the objects holding them: their comments stay, but the value's end may move.
  const edited = new Set(targets.flatMap((t) => t.path.map(String)));
  const root = parseTree(before, [], { allowTrailingComma: true, disallowComments: false });
  const gone = new Set<string>();
  for (const t of targets.filter((x) => x.removed)) {
    const prop = root && findNodeAtLocation(root, t.path)?.parent;
    if (!prop) continue;
    const lineEnd = before.indexOf('\n', prop.offset + prop.length);
    for (const c of markedComments(before.slice(prop.offset, lineEnd < 0 ? before.length : lineEnd)).keys()) gone.add(c);
  }
  const a = markedComments(after);
  for (const [c, key] of markedComments(before)) {
    if (gone.has(c)) continue;
    if (!a.has(c)) return `comment ${c} (on "${key}") lost`;
    if (edited.has(key) || (key === 'type' && a.get(c) === 'rope_type')) continue;
    if (a.get(c) !== key) return `comment ${c} moved from "${key}" to "${a.get(c)}"`;
  }
  return null;
}
