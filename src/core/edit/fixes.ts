// The quick fixes for findings that have one right answer, as plain text replacements: the editor adapter
// turns each into a WorkspaceEdit, tests apply them to bytes. Every fix is computed against the text the
// analysis was made of, and names the keys it writes so its changes can be checked to stay there.
import type { Analysis, EncodingAnalysis } from '../analyze';
import type { Finding } from '../findings';
import { nodeAtOffset, type JsonPath } from '../source';
import { applyKeyEdits, FloatValue, type KeyEdit } from './jsonEdit';

export interface TextReplace {
  offset: number;
  length: number;
  content: string;
}

export interface Fix {
  title: string;
  /** One replacement on the analysed text: offset/length in UTF-16 units, new content. */
  replace: TextReplace;
  /** The keys the fix writes (renames name the old key): nothing outside them may change. */
  paths: JsonPath[];
}

/** The single replacement that turns `text` into `text` with `edits` applied (null: nothing changes). */
export function keyEditsFix(title: string, text: string, edits: readonly KeyEdit[]): Fix | null {
  const { replace } = applyKeyEdits(text, edits);
  return replace ? { title, replace, paths: edits.map((e) => e.path) } : null;
}

function scopePath(e: EncodingAnalysis): JsonPath {
  return e.spec.scope ? e.spec.scope.split('.') : [];
}

/** Where max_position_embeddings (or the family's length key) is, or would be, written for an encoding. */
function maxPath(e: EncodingAnalysis): JsonPath {
  const src = e.spec.sources['maxContext'];
  return src && !src.isDefault && src.path ? src.path : [...scopePath(e), 'max_position_embeddings'];
}

/** The fix for one finding, computed against `text` (`analysis` must be of that text). */
export function fixFor(f: Finding, e: EncodingAnalysis | null, analysis: Analysis, text: string): Fix | null {
  const data = f.data ?? {};
  switch (f.code) {
    case 'v4.legacy-type': {
      if (!f.range) return null;
      const hit = nodeAtOffset(analysis.root, analysis.lines.offsetAt(f.range.start));
      const n = hit?.node;
      if (!n || n.path[n.path.length - 1] !== 'type' || n.keyOffset === undefined || n.keyLength === undefined) return null;
      // Renaming the key in place keeps its value, position and comments exactly as they were.
      return { title: 'Rename `type` to `rope_type`', replace: { offset: n.keyOffset, length: n.keyLength, content: '"rope_type"' }, paths: [n.path] };
    }
    case 'rope.yarn-no-orig':
    case 'vllm.yarn-no-orig': {
      const value = data['value'];
      const dict = e?.spec.rope?.dictPath;
      if (typeof value !== 'number' || !dict) return null;
      return keyEditsFix(`Add original_max_position_embeddings: ${value}`, text, [{ path: [...dict, 'original_max_position_embeddings'], value }]);
    }
    case 'lens.max-vs-scaling':
    case 'rope.factor-mismatch':
    case 'rope.orig-ge-max': {
      const expected = data['expectedMax'];
      if (typeof expected !== 'number' || !e || !Number.isFinite(expected)) return null;
      const value = Math.round(expected);
      // A non-integer length (a fractional factor) has no right answer to write: leave it to the user.
      if (Math.abs(value - expected) > 1e-9) return null;
      const path = maxPath(e);
      return keyEditsFix(`Set ${String(path[path.length - 1])} to ${value}`, text, [{ path, value }]);
    }
    case 'lens.theta-default': {
      const value = data['value'];
      const rope = e?.spec.rope;
      if (typeof value !== 'number' || !rope || !e) return null;
      const v5 = rope.layout === 'rope_parameters' || rope.layout === 'rope_parameters_per_layer';
      const path: JsonPath = v5 && rope.dictPath ? [...rope.dictPath, 'rope_theta'] : [...scopePath(e), 'rope_theta'];
      // rope_theta is a float in every config class: write 10000.0, not 10000.
      return keyEditsFix(`Set rope_theta explicitly to ${new FloatValue(value).literal()}`, text, [{ path, value: new FloatValue(value) }]);
    }
    default:
      return null;
  }
}

export interface FixedFinding {
  finding: Finding;
  encoding: EncodingAnalysis | null;
  fix: Fix;
}

/** Every finding of the analysis that has a fix, with it (one finding may share its fix with another). */
export function fixesFor(analysis: Analysis, text: string): FixedFinding[] {
  const out: FixedFinding[] = [];
  const add = (finding: Finding, encoding: EncodingAnalysis | null): void => {
    const fix = fixFor(finding, encoding, analysis, text);
    if (fix) out.push({ finding, encoding, fix });
  };
  for (const e of analysis.encodings) for (const f of e.findings) add(f, e);
  for (const f of analysis.findings) add(f, null);
  return out;
}

/** `text` with one replacement applied. */
export function applyReplace(text: string, r: TextReplace): string {
  return text.slice(0, r.offset) + r.content + text.slice(r.offset + r.length);
}
