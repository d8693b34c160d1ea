// Any file a model author opens → the same Analysis: config.json (JSONC), training YAML, GGUF headers and
// safetensors position tables, each read through a bounded ByteSource.
import { analyzeText, analyzeTree, type Analysis, type AnalyzeOptions } from './analyze';
import type { Finding } from './findings';
import { decodeUtf8, type ByteSource } from './formats/byteSource';
import { readGgufHeader } from './formats/gguf';
import { ggufRotaryDim, ggufToConfig } from './formats/ggufConfig';
import { readRopeFreqs } from './formats/ggufRopeFreqs';
import { findPositionTables, readSafetensorsHeader } from './formats/safetensors';
import { srcFromValue } from './formats/srcValue';
import { parseYaml } from './formats/yaml';
import { trainingYamlToConfig } from './formats/yamlConfig';
import { LineIndex } from './source';

export type FileKind = 'json' | 'yaml' | 'gguf' | 'safetensors';

export function fileKindOf(name: string): FileKind | null {
  const n = name.toLowerCase();
  if (n.endsWith('.json') || n.endsWith('.jsonc')) return 'json';
  if (n.endsWith('.yaml') || n.endsWith('.yml')) return 'yaml';
  if (n.endsWith('.gguf')) return 'gguf';
  if (n.endsWith('.safetensors')) return 'safetensors';
  return null;
}

/** Text formats larger than this are not configs. */
const MAX_TEXT_BYTES = 64 * 1024 * 1024;

export interface FileAnalysis extends Analysis {
  kind: FileKind;
  /** The text for text formats (edits and hovers need it). */
  text: string | null;
}

export async function analyzeSource(kind: FileKind, src: ByteSource, opts: AnalyzeOptions = {}): Promise<FileAnalysis> {
  if (kind === 'json' || kind === 'yaml') {
    if (src.size > MAX_TEXT_BYTES) return empty(kind, `${Math.round(src.size / 1048576)} MB is too large for a config file.`);
    const { text, valid } = decodeUtf8(await src.read(0, src.size));
    const a = kind === 'json' ? analyzeText(text, opts) : analyzeYamlText(text, opts);
    if (!valid) a.findings.unshift(note('error', 'file.not-utf8', 'The file is not valid UTF-8; undecodable bytes were replaced.'));
    return { ...a, kind, text };
  }
  if (kind === 'gguf') {
    const header = await readGgufHeader(src);
    // Llama 3.1's scaling lives in the rope_freqs tensor: one more bounded read (n_rot/2 floats).
    const dim = ggufRotaryDim(header.kv);
    const freqs = await readRopeFreqs(src, header, dim !== null && dim % 2 === 0 ? dim / 2 : null);
    const cfg = ggufToConfig(header, { ropeFreqs: freqs.values });
    // A GGUF runs in llama.cpp: transformers' checks of the mapped keys would only confuse.
    const a = analyzeTree(cfg.root, new LineIndex(''), { ...opts, runtimes: ['llama.cpp'] }, [...header.findings, ...freqs.findings, ...cfg.findings]);
    // "check that the converted GGUF has the rope_freqs tensor" is answered: it has, and it was read.
    if (freqs.values) for (const e of a.encodings) e.findings = e.findings.filter((f) => f.code !== 'llamacpp.llama3-tensor');
    return { ...a, kind, text: null };
  }
  const header = await readSafetensorsHeader(src);
  const tables = findPositionTables(header.tensors);
  const t = tables[0];
  if (!t) {
    const findings = [...header.findings, note('info', 'safetensors.no-position-table', `No learned position table among ${header.tensors.size} tensors: the model's positions are computed (RoPE, ALiBi, …), not stored.`)];
    return { ...analyzeTree(null, new LineIndex(''), opts, findings), encodings: [], kind, text: null };
  }
  const root = srcFromValue({ position_embedding_type: 'absolute', max_position_embeddings: t.rows, hidden_size: t.dim });
  const a = analyzeTree(root, new LineIndex(''), opts, [...header.findings, note('info', 'safetensors.position-table', `Learned position table \`${t.name}\`: ${t.rows} positions × ${t.dim} dimensions${t.kind === 'vit' ? ' (ViT: CLS + patch grid)' : ''}.`)]);
  return { ...a, findings: a.findings.filter((f) => f.code !== 'file.no-model-keys'), kind, text: null };
}

export function analyzeYamlText(text: string, opts: AnalyzeOptions = {}): Analysis {
  const doc = parseYaml(text);
  const cfg = trainingYamlToConfig(doc.root);
  return analyzeTree(cfg.root, doc.lines, opts, [...doc.findings, ...cfg.findings]);
}

function note(severity: Finding['severity'], code: string, message: string): Finding {
  return { severity, code, runtime: 'lens', message, key: null, range: null };
}

function empty(kind: FileKind, message: string): FileAnalysis {
  return { root: null, lines: new LineIndex(''), encodings: [], findings: [note('error', 'file.too-large', message)], kind, text: null };
}
