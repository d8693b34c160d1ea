// The configs edit tests run on: the shared corpus as published, the project's fixtures, each in the
// forms files take in the wild (CRLF or LF, tab-indented, with a BOM, without a final newline, on one
// line), plus mutations of the real configs that provoke each fixable finding.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { applyEdits, findNodeAtLocation, modify, parseTree, type Node } from 'jsonc-parser';
import { BOM } from './editSpans';

/** The repository root, found upwards (this file also runs bundled, from out/integration). */
function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'test', 'fixtures', 'configs'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no repository above ${__dirname}`);
    dir = up;
  }
  return dir;
}

const ROOT = repoRoot();
const SHARED_CONFIGS = join(ROOT, '..', 'shared', 'corpus', 'configs');

export interface EditCase {
  name: string;
  bytes: Buffer;
}

/** Every JSON config: shared corpus (when present), test/fixtures/configs, the workspace fixtures. */
export function sourceConfigs(): EditCase[] {
  const out: EditCase[] = [];
  const dir = (d: string, prefix: string): void => {
    if (!existsSync(d)) return;
    for (const f of readdirSync(d).sort()) if (f.endsWith('.json')) out.push({ name: prefix + f, bytes: readFileSync(join(d, f)) });
  };
  dir(SHARED_CONFIGS, 'shared/');
  dir(join(ROOT, 'test', 'fixtures', 'configs'), 'fixtures/');
  const ws = join(ROOT, 'test', 'fixtures', 'workspace');
  for (const sub of ['', 'bloom/', 'broken/', 'llama3/', 't5/', 'yarn/']) {
    const f = join(ws, sub, 'config.json');
    if (existsSync(f)) out.push({ name: `workspace/${sub}config.json`, bytes: readFileSync(f) });
  }
  return out;
}

export const hasSharedConfigs = existsSync(SHARED_CONFIGS);

/** True when the text is plain JSON (JSON.parse accepts it), not JSONC. */
export function isStrictJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Leading spaces → one tab per indent unit (the smallest indent in the file). */
function toTabs(text: string): string | null {
  const indents = [...text.matchAll(/\n( +)\S/g)].map((m) => m[1]!.length);
  if (indents.length === 0) return null;
  const unit = Math.min(...indents);
  return text.replace(/\n( +)(?=\S)/g, (_m, ws: string) => '\n' + '\t'.repeat(Math.floor(ws.length / unit)) + ' '.repeat(ws.length % unit));
}

/** The config in the forms it takes in the wild; `label` names the form. */
export function variants(c: EditCase): EditCase[] {
  const text = c.bytes.toString('utf8');
  const out: EditCase[] = [c];
  const add = (label: string, t: string | null, bom = false): void => {
    if (t === null) return;
    const bytes = Buffer.concat([bom ? BOM : Buffer.alloc(0), Buffer.from(t, 'utf8')]);
    if (!bytes.equals(c.bytes)) out.push({ name: `${c.name} [${label}]`, bytes });
  };
  const crlf = text.includes('\r\n');
  add(crlf ? 'LF' : 'CRLF', crlf ? text.replace(/\r\n/g, '\n') : text.replace(/\n/g, '\r\n'));
  add('tabs', toTabs(text));
  add('BOM+CRLF', text.replace(/\r?\n/g, '\r\n'), true);
  add(/\n$/.test(text) ? 'no final newline' : 'final newline', /\n$/.test(text) ? text.replace(/\r?\n$/, '') : text + (crlf ? '\r\n' : '\n'));
  // A marker comment at the end of every line: each must stay with its key through every edit.
  let line = 0;
  if (/\n/.test(text)) add('line comments', text.replace(/([^\s])(?=\r?\n|$)/g, (ch: string) => `${ch} // c${++line}`));
  // JSON strings hold no raw line breaks, so dropping every break and indent keeps a strict file's meaning.
  if (isStrictJson(text)) add('one line', text.replace(/\r?\n[ \t]*/g, ''));
  return out;
}

function at(root: Node | undefined, path: (string | number)[]): Node | undefined {
  return root ? findNodeAtLocation(root, path) : undefined;
}

/** Mutations of a real config that provoke the findings quick fixes exist for (raw edits: no reformatting). */
export function provoked(c: EditCase): EditCase[] {
  const text = c.bytes.toString('utf8');
  const root = parseTree(text, [], { allowTrailingComma: true });
  const out: EditCase[] = [];
  const edit = (label: string, path: (string | number)[], value: unknown): void => {
    const t = applyEdits(text, modify(text, path, value, {}));
    if (t !== text) out.push({ name: `${c.name} {${label}}`, bytes: Buffer.from(t, 'utf8') });
  };
  const dictKey = ['rope_scaling', 'rope_parameters'].find((k) => at(root, [k])?.type === 'object');
  if (at(root, ['rope_theta'])) edit('no rope_theta', ['rope_theta'], undefined);
  if (dictKey && at(root, [dictKey, 'rope_theta'])) edit('no rope_theta', [dictKey, 'rope_theta'], undefined);
  if (!dictKey) return out;
  if (at(root, [dictKey, 'original_max_position_embeddings'])) edit('no original_max', [dictKey, 'original_max_position_embeddings'], undefined);
  const max = at(root, ['max_position_embeddings']);
  if (max && typeof max.value === 'number' && at(root, [dictKey, 'factor'])) edit('max off by one', ['max_position_embeddings'], max.value + 1);
  if (max && at(root, [dictKey, 'original_max_position_embeddings'])) edit('original = max', [dictKey, 'original_max_position_embeddings'], max.value);
  const rt = at(root, [dictKey, 'rope_type']);
  if (rt && !at(root, [dictKey, 'type'])) {
    const key = rt.parent!.children![0]!;
    out.push({ name: `${c.name} {legacy type}`, bytes: Buffer.from(text.slice(0, key.offset) + '"type"' + text.slice(key.offset + key.length), 'utf8') });
  }
  return out;
}
