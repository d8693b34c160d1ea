// Typed reads of one config scope with provenance: every value knows its key range, defaults are marked,
// and odd values (strings, NaN, negatives, nulls) become findings instead of exceptions.
import type { Finding, Severity } from '../findings';
import { child, isObject, pathToKey, type SrcNode } from '../source';
import type { ParamSource } from '../spec';

export class ScopeReader {
  readonly findings: Finding[] = [];
  readonly sources: Record<string, ParamSource> = {};

  constructor(
    readonly node: SrcNode,
    readonly scope: string,
  ) {}

  get raw(): Record<string, unknown> {
    return (this.node.value as Record<string, unknown>) ?? {};
  }

  has(key: string): boolean {
    return child(this.node, key) !== null;
  }

  get(key: string): SrcNode | null {
    return child(this.node, key);
  }

  /** First present key of a family (e.g. max_position_embeddings, n_positions, …) whose value is not null. */
  first(keys: readonly string[]): { key: string; node: SrcNode } | null {
    for (const key of keys) {
      const n = child(this.node, key);
      if (n && n.type !== 'null') return { key, node: n };
    }
    return null;
  }

  object(key: string): SrcNode | null {
    const n = child(this.node, key);
    return isObject(n) ? n : null;
  }

  /** A finite number from a node; strings holding numbers are accepted with a warning. */
  number(node: SrcNode | null, opts: NumberOpts = {}): number | null {
    if (!node || node.type === 'null') return null;
    const key = pathToKey(node.path);
    let v: number | null = null;
    if (node.type === 'number' && typeof node.value === 'number') v = node.value;
    else if (node.type === 'string' && typeof node.value === 'string' && node.value.trim() !== '' && Number.isFinite(Number(node.value))) {
      v = Number(node.value);
      this.warn(node, 'value.string-number', `\`${key}\` is the string "${node.value}"; runtimes expect a number (Python code doing arithmetic on it fails).`, 'warning');
    } else {
      this.warn(node, 'value.not-number', `\`${key}\` must be a number, got ${describe(node.value)}; ${opts.fallbackNote ?? 'it is ignored here'}.`, 'error');
      return null;
    }
    if (!Number.isFinite(v)) {
      this.warn(node, 'value.not-finite', `\`${key}\` is not a finite number (${String(v)}); it is ignored here.`, 'error');
      return null;
    }
    if (opts.positive && v <= 0) {
      this.warn(node, 'value.not-positive', `\`${key}\` must be greater than 0, got ${v}; it is ignored here.`, 'error');
      return null;
    }
    if (opts.above !== undefined && v <= opts.above) {
      this.warn(node, 'value.too-small', `\`${key}\` must be greater than ${opts.above}, got ${v}; ${opts.fallbackNote ?? 'it is ignored here'}.`, 'error');
      return null;
    }
    if (opts.max !== undefined && v > opts.max) {
      this.warn(node, 'value.too-large', `\`${key}\` is implausibly large (${v} > ${opts.max}); it is ignored here.`, 'error');
      return null;
    }
    if (opts.integer && !Number.isInteger(v)) {
      this.warn(node, 'value.not-integer', `\`${key}\` must be a whole number, got ${v}.`, 'warning');
    }
    return v;
  }

  numberArray(node: SrcNode | null): number[] | null {
    if (!node || node.type === 'null') return null;
    if (node.type !== 'array' || !node.items) {
      this.warn(node, 'value.not-array', `\`${pathToKey(node.path)}\` must be a list of numbers, got ${describe(node.value)}.`, 'error');
      return null;
    }
    const out: number[] = [];
    for (const item of node.items) {
      const v = item.type === 'number' && typeof item.value === 'number' && Number.isFinite(item.value) ? item.value : NaN;
      if (Number.isNaN(v)) {
        this.warn(item, 'value.not-number', `\`${pathToKey(item.path)}\` must be a number, got ${describe(item.value)}.`, 'error');
        return null;
      }
      out.push(v);
    }
    return out;
  }

  bool(node: SrcNode | null): boolean | null {
    if (!node || node.type === 'null') return null;
    if (node.type === 'boolean') return node.value === true;
    this.warn(node, 'value.not-boolean', `\`${pathToKey(node.path)}\` must be true or false, got ${describe(node.value)}.`, 'warning');
    return null;
  }

  string(node: SrcNode | null): string | null {
    if (!node || node.type === 'null') return null;
    return node.type === 'string' ? String(node.value) : null;
  }

  /** Records where parameter `name` came from. */
  source(name: string, node: SrcNode | null, fallbackKey: string, note?: string): void {
    this.sources[name] = node
      ? { key: pathToKey(node.path), path: node.path, keyRange: node.keyRange, valueRange: node.range, isDefault: false, ...(note ? { note } : {}) }
      : { key: fallbackKey, path: null, keyRange: null, valueRange: null, isDefault: true, ...(note ? { note } : {}) };
  }

  warn(node: SrcNode | null, code: string, message: string, severity: Severity = 'warning'): void {
    this.findings.push({
      severity,
      code,
      runtime: 'lens',
      message,
      key: node ? pathToKey(node.path) : null,
      range: node ? (node.keyRange ?? node.range) : null,
    });
  }
}

export interface NumberOpts {
  positive?: boolean;
  /** Exclusive lower bound (e.g. a RoPE base must exceed 1). */
  above?: number;
  /** Upper bound: dimensions and lengths past it are corrupt, and would allocate without limit. */
  max?: number;
  integer?: boolean;
  fallbackNote?: string;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return `the string "${v.length > 40 ? v.slice(0, 40) + '…' : v}"`;
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  return String(v);
}

/** True when a number node was written as a float literal (1.0, 1e3) rather than an integer (Python's int vs float). */
export function isFloatLiteral(node: SrcNode | null, text?: string): boolean {
  if (!node || node.type !== 'number') return false;
  if (node.raw !== undefined) return /[.eE]/.test(node.raw);
  if (text !== undefined) return /[.eE]/.test(text.slice(node.offset, node.offset + node.length));
  return !Number.isInteger(node.value);
}
