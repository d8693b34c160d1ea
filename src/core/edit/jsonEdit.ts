// Minimal, formatting-preserving edits of JSON/JSONC text (jsonc-parser `modify`): only the changed keys
// are touched, comments and key order stay. Floats keep their Python type (`4.0`, not `4`).
import { applyEdits, findNodeAtLocation, format, modify, parseTree, type Edit, type FormattingOptions } from 'jsonc-parser';
import type { JsonPath } from '../source';
import { removeMember } from './removeMember';

/** A number that must be written as a float literal (Python reads `4` as int, `4.0` as float). */
export class FloatValue {
  constructor(readonly value: number) {}
  literal(): string {
    const s = String(this.value);
    return /[.eE]/.test(s) || !Number.isFinite(this.value) ? s : `${s}.0`;
  }
}

export interface KeyEdit {
  path: JsonPath;
  /** undefined removes the key. */
  value: unknown;
}

const MARK = '\u0000f:';

function encode(v: unknown): unknown {
  if (v instanceof FloatValue) return MARK + v.literal();
  if (Array.isArray(v)) return v.map(encode);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
  return v;
}

/** The file's indentation, or null when it has none (a config written on one line). */
export function detectIndent(text: string): { insertSpaces: boolean; tabSize: number } | null {
  const m = /\n([ \t]+)"/.exec(text);
  if (!m) return null;
  const ws = m[1]!;
  return ws.includes('\t') ? { insertSpaces: false, tabSize: 1 } : { insertSpaces: true, tabSize: Math.min(8, ws.length) };
}

/**
 * Formats only the text an edit writes. jsonc-parser's own formatting of an insertion reformats the whole
 * line around it: the neighbouring key's spacing, and in a one-line file the entire file.
 */
function formatContent(text: string, edit: Edit, options: FormattingOptions): Edit {
  if (edit.content.length === 0) return edit;
  const applied = applyEdits(text, [edit]);
  const start = edit.offset;
  const end = start + edit.content.length;
  const inside = format(applied, { offset: start, length: end - start }, { ...options, keepLines: false }).filter((x) => x.offset >= start && x.offset + x.length <= end);
  const formatted = applyEdits(applied, inside);
  return { ...edit, content: formatted.slice(start, formatted.length - (applied.length - end)) };
}

/**
 * A member is added after the last one; when that one ends its line with a `// comment`, the comment
 * stays on its line and the new member goes below it (jsonc-parser would move it onto the new member).
 * A trailing comma after the last member is the file's style: the new last member gets one too.
 */
function afterLineComment(text: string, edit: Edit): Edit[] {
  if (edit.length !== 0 || !edit.content.startsWith(',')) return [edit];
  const comment = /[ \t]*(,?)[ \t]*\/\/[^\r\n]*/y;
  comment.lastIndex = edit.offset;
  const m = comment.exec(text);
  if (!m) return [edit];
  const member = { offset: comment.lastIndex, length: 0, content: edit.content.slice(1) };
  if (m[1]) return [{ ...member, content: member.content + ',' }];
  return [{ offset: edit.offset, length: 0, content: ',' }, member];
}

/** True when the object the key at `path` is (or would be) written into is written on one line. */
function onOneLine(text: string, path: JsonPath): boolean {
  const root = parseTree(text, [], { allowTrailingComma: true });
  for (let k = path.length - 1; k >= 0 && root; k--) {
    const node = k === 0 ? root : findNodeAtLocation(root, path.slice(0, k));
    if (node) return node.type === 'object' && !/[\r\n]/.test(text.slice(node.offset, node.offset + node.length));
  }
  return false;
}

/** Text edits (offset/length/content) for a list of key edits, computed one after another. */
export function computeEdits(text: string, edits: readonly KeyEdit[]): Edit[] {
  const indent = detectIndent(text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  let current = text;
  const all: Edit[] = [];
  for (const e of edits) {
    // Raw edits (no formatting), each then formatted on its own — except in a file without indentation or
    // an object written on one line, where the compact raw form is the file's own style.
    const removal = e.value === undefined ? removeMember(current, e.path) : null;
    const raw = removal ?? modify(current, e.path, encode(e.value), {}).sort((a, b) => b.offset - a.offset);
    const options: FormattingOptions | null = indent && !onOneLine(current, e.path) ? { ...indent, eol } : null;
    const step = raw.flatMap((x) => {
      const unmarked = { ...x, content: x.content.replace(/"\\u0000f:([^"]+)"/g, '$1') };
      return options ? afterLineComment(current, formatContent(current, unmarked, options)) : [unmarked];
    });
    current = applyEdits(current, step);
    all.push(...step);
  }
  return all;
}

/** Applies key edits and returns the new text and a single minimal replacement covering every change. */
export function applyKeyEdits(text: string, edits: readonly KeyEdit[]): { text: string; replace: { offset: number; length: number; content: string } | null } {
  let out = text;
  for (const e of edits) out = applyEdits(out, computeEdits(out, [e]));
  return { text: out, replace: minimalReplace(text, out) };
}

/** The smallest single span that turns `before` into `after` (common prefix and suffix trimmed). */
export function minimalReplace(before: string, after: string): { offset: number; length: number; content: string } | null {
  if (before === after) return null;
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before[endB - 1] === after[endA - 1]) {
    endB--;
    endA--;
  }
  return { offset: start, length: endB - start, content: after.slice(start, endA) };
}
