// Minimal, formatting-preserving edits of JSON/JSONC text (jsonc-parser `modify`): only the changed keys
// are touched, comments and key order stay. Floats keep their Python type (`4.0`, not `4`).
import { applyEdits, modify, type Edit } from 'jsonc-parser';
import type { JsonPath } from '../source';

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

export function detectIndent(text: string): { insertSpaces: boolean; tabSize: number } {
  const m = /\n([ \t]+)"/.exec(text);
  if (!m) return { insertSpaces: true, tabSize: 2 };
  const ws = m[1]!;
  return ws.includes('\t') ? { insertSpaces: false, tabSize: 1 } : { insertSpaces: true, tabSize: Math.min(8, ws.length) };
}

/** Text edits (offset/length/content) for a list of key edits, computed one after another. */
export function computeEdits(text: string, edits: readonly KeyEdit[]): Edit[] {
  const fmt = detectIndent(text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  let current = text;
  const all: Edit[] = [];
  for (const e of edits) {
    const step = modify(current, e.path, encode(e.value), { formattingOptions: { ...fmt, eol } }).map((x) => ({
      ...x,
      content: x.content.replace(/"\\u0000f:([^"]+)"/g, '$1'),
    }));
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
