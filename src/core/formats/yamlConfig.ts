// Training recipes → the HF-style config the run will give the model, so the engine can check it like a
// config.json. axolotl passes a rope_scaling dict through to the model config; LLaMA-Factory takes only a
// scaling name and computes the factor from cutoff_len and the base model's max_position_embeddings.
// The mapped tree keeps the YAML ranges, so findings land on the recipe's own lines.
import type { Finding, Severity } from '../findings';
import { child, isObject, pathToKey, type SrcNode } from '../source';
import { srcFromValue } from './srcValue';
import { pyyamlNumberKind } from './yaml';

export type TrainingRecipe = 'axolotl' | 'llama-factory' | 'unknown';

export interface TrainingConfig {
  recipe: TrainingRecipe;
  /** axolotl base_model / LLaMA-Factory model_name_or_path: where the model's own config lives. */
  baseModel: string | null;
  config: Record<string, unknown>;
  /** The config as a SrcNode tree whose nodes carry the range of the YAML value they came from. */
  root: SrcNode;
  /** Dotted config key → the YAML key it came from (`rope_scaling.factor` → `cutoff_len`). */
  sources: Map<string, string>;
  /** True when the scaling depends on the base model's max_position_embeddings and none was given. */
  needsBaseMaxPositions: boolean;
  findings: Finding[];
}

export interface TrainingOptions {
  /** max_position_embeddings of the base model (from its config.json), when the caller has it. */
  baseMaxPositions?: number;
}

const LLAMA_FACTORY_TYPES = new Set(['linear', 'dynamic', 'yarn', 'llama3']);
const AXOLOTL_TYPES = new Set(['linear', 'dynamic', 'yarn', 'llama3', 'longrope']);
/** LLaMA-Factory's DataArguments default. */
const LLAMA_FACTORY_CUTOFF_DEFAULT = 2048;

export function trainingYamlToConfig(root: SrcNode | null, opts: TrainingOptions = {}): TrainingConfig {
  const config: Record<string, unknown> = {};
  const sources = new Map<string, string>();
  const origins = new Map<string, SrcNode>();
  const floatKeys = new Set<string>();
  const findings: Finding[] = [];
  const note = (severity: Severity, code: string, message: string, at: SrcNode | null): void => {
    findings.push({ severity, code, runtime: 'lens', message, key: at ? pathToKey(at.path) : null, range: at?.keyRange ?? at?.range ?? null });
  };
  /** Sets a config key, remembering the YAML node it came from (its range and, for numbers, its raw text). */
  const set = (path: string, value: unknown, from: SrcNode, isFloat = false): void => {
    const parts = path.split('.');
    let target = config;
    for (const p of parts.slice(0, -1)) {
      const next = (target[p] ??= {});
      if (typeof next !== 'object' || next === null || Array.isArray(next)) return; // never write into a value
      target = next as Record<string, unknown>;
    }
    target[parts[parts.length - 1] as string] = value;
    sources.set(path, pathToKey(from.path));
    origins.set(path, from);
    if (isFloat) floatKeys.add(path);
  };
  let needsBase = false;
  let recipe: TrainingRecipe = 'unknown';
  const get = (key: string): SrcNode | null => child(root, key);
  const str = (key: string): string | null => {
    const n = get(key);
    return n?.type === 'string' ? (n.value as string) : null;
  };

  if (root && isObject(root)) {
    recipe = detect(root);
    if (recipe === 'llama-factory') needsBase = llamaFactory();
    else {
      const len = get('sequence_len');
      if (len?.type === 'number') {
        set('max_position_embeddings', len.value, len);
        note('info', 'yaml.training-length', `axolotl trains at sequence_len ${String(len.value)}; the model's own max_position_embeddings comes from the base model's config, which this file does not hold.`, len);
      }
      const theta = get('rope_theta');
      if (theta?.type === 'number') set('rope_theta', theta.value, theta);
      const scaling = get('rope_scaling');
      if (scaling) passThroughScaling(scaling);
      for (const name of ['overrides_of_model_config', 'model_config_overrides']) {
        const overrides = get(name);
        if (!isObject(overrides)) continue;
        for (const [k, v] of overrides.children) {
          // A dotted key is one odd attribute name to transformers, not a path (and would nest here).
          if (k.includes('.')) continue;
          if (k === 'rope_scaling') passThroughScaling(v);
          else if (v.type !== 'object' && v.type !== 'array') set(k, v.value, v);
        }
      }
    }
  } else if (root) note('error', 'yaml.not-a-mapping', 'A training recipe must be a YAML mapping of keys to values.', root);

  const tree = srcFromValue(config, [], floatKeys);
  stampRanges(tree, '', origins);
  const baseModel = recipe === 'llama-factory' ? str('model_name_or_path') : str('base_model');
  return { recipe, baseModel, config, root: tree, sources, needsBaseMaxPositions: needsBase, findings };

  /** axolotl (and generic recipes): the dict goes to the model config as written. */
  function passThroughScaling(scaling: SrcNode): void {
    if (!isObject(scaling)) {
      note('error', 'yaml.rope-scaling-not-dict', `axolotl expects rope_scaling to be a mapping such as {type: linear, factor: 2}; got ${JSON.stringify(scaling.value)}.`, scaling);
      return;
    }
    origins.set('rope_scaling', scaling); // the mapping itself, for findings about rope_scaling as a whole
    for (const [k, v] of scaling.children) {
      if (k.includes('.')) continue; // as for overrides: not a path
      if (v.type === 'number' && v.raw !== undefined && pyyamlNumberKind(v.raw) === 'string')
        note('warning', 'yaml.pyyaml-string', `PyYAML (YAML 1.1) reads \`${v.raw}\` as a string, not a number, and it reaches the model config unconverted; write it with a dot and a signed exponent (e.g. 1.0e+6) or as a plain number.`, v);
      set(`rope_scaling.${k}`, v.value, v);
    }
    const type = child(scaling, 'rope_type') ?? child(scaling, 'type');
    if (type && (type.type !== 'string' || !AXOLOTL_TYPES.has(type.value as string)))
      note('warning', 'yaml.unknown-rope-type', `rope_scaling type ${JSON.stringify(type.value)} is not one axolotl users normally set (linear, dynamic, yarn, llama3, longrope); transformers decides whether it is valid.`, type);
  }

  /** LLaMA-Factory's configure_rope: returns true when the base model's length is needed and missing. */
  function llamaFactory(): boolean {
    const scaling = get('rope_scaling');
    const cutoffNode = get('cutoff_len');
    const cutoff = cutoffNode?.type === 'number' ? (cutoffNode.value as number) : LLAMA_FACTORY_CUTOFF_DEFAULT;
    if (!scaling || scaling.type === 'null') return false;
    if (scaling.type !== 'string' || !LLAMA_FACTORY_TYPES.has(scaling.value as string)) {
      note('error', 'yaml.unknown-rope-scaling', `LLaMA-Factory's rope_scaling takes one of linear, dynamic, yarn, llama3 (a name, not a mapping); got ${JSON.stringify(scaling.value)}.`, scaling);
      return false;
    }
    const type = scaling.value as string;
    origins.set('rope_scaling', scaling);
    const lengthNode = cutoffNode ?? scaling;
    const training = get('do_train')?.value === true;
    if (type === 'dynamic' && training)
      note('warning', 'yaml.dynamic-training', 'LLaMA-Factory warns that dynamic NTK scaling may not work well with fine-tuning: the scale changes with the sequence length the model sees.', scaling);
    // A base length from another file is only used when it is one (NaN or 0 would put NaN in every message).
    const base = opts.baseMaxPositions !== undefined && Number.isFinite(opts.baseMaxPositions) && opts.baseMaxPositions >= 1 ? opts.baseMaxPositions : undefined;
    if (!training) {
      // Not training: LLaMA-Factory always uses factor 2.
      set('rope_scaling.rope_type', type, scaling);
      set('rope_scaling.factor', 2, scaling, true);
      note('info', 'yaml.inference-factor', 'Without do_train, LLaMA-Factory applies this scaling with factor 2.0 regardless of cutoff_len.', scaling);
      if (base !== undefined) addLengths(type, base, base * 2, scaling);
      return base === undefined;
    }
    if (!Number.isFinite(cutoff)) {
      note('error', 'yaml.bad-cutoff', `cutoff_len is \`${cutoffNode?.raw ?? String(cutoff)}\`: LLaMA-Factory computes the scaling factor as ceil(cutoff_len / max_position_embeddings), which fails for a value that is not a finite number.`, cutoffNode);
      return false;
    }
    if (base === undefined) {
      note('info', 'yaml.factor-needs-base-config', `LLaMA-Factory sets factor = ceil(cutoff_len / max_position_embeddings), where max_position_embeddings comes from the base model's config (${str('model_name_or_path') ?? 'model_name_or_path'}), which this YAML does not hold. Open that config to see the scaling this run applies.`, scaling);
      return true;
    }
    if (cutoff <= base) {
      note('warning', 'yaml.scaling-disabled', `cutoff_len ${cutoff} does not exceed the base model's max_position_embeddings ${base}: LLaMA-Factory disables rope scaling ("${type}" is ignored).`, lengthNode);
      return false;
    }
    const factor = Math.ceil(cutoff / base);
    set('rope_scaling.rope_type', type, scaling);
    set('rope_scaling.factor', factor, lengthNode, true);
    if (cutoff / base !== factor)
      note('info', 'yaml.factor-rounded', `cutoff_len ${cutoff} / ${base} = ${(cutoff / base).toFixed(3)} is rounded up: LLaMA-Factory uses factor ${factor}.0 and sets max_position_embeddings to ${base * factor}.`, lengthNode);
    addLengths(type, base, base * factor, lengthNode);
    return false;
  }

  function addLengths(type: string, base: number, extended: number, from: SrcNode): void {
    set('max_position_embeddings', extended, from);
    if (type === 'dynamic' || type === 'yarn' || type === 'llama3') set('rope_scaling.original_max_position_embeddings', base, from);
    if (type === 'llama3') {
      set('rope_scaling.low_freq_factor', 1, from, true);
      set('rope_scaling.high_freq_factor', 4, from, true);
    }
  }
}

function detect(root: SrcNode): TrainingRecipe {
  const has = (k: string): boolean => child(root, k) !== null;
  if (has('model_name_or_path') || has('cutoff_len') || (has('stage') && has('finetuning_type')) || child(root, 'rope_scaling')?.type === 'string')
    return 'llama-factory';
  if (has('base_model') || has('sequence_len') || has('micro_batch_size')) return 'axolotl';
  return 'unknown';
}

/** Gives each mapped node the range of its YAML origin; synthesised parents take their first child's. */
function stampRanges(node: SrcNode, key: string, origins: ReadonlyMap<string, SrcNode>): SrcNode | null {
  const from = origins.get(key);
  let first: SrcNode | null = null;
  for (const [k, c] of node.children ?? []) {
    const stamped = stampRanges(c, key ? `${key}.${k}` : k, origins); // every child, not only until the first
    first ??= stamped;
  }
  const src = from ?? first;
  if (!src || key === '') return src;
  node.range = src.range;
  node.offset = src.offset;
  node.length = src.length;
  node.keyRange = src.keyRange;
  if (src.keyOffset !== undefined) node.keyOffset = src.keyOffset;
  if (src.keyLength !== undefined) node.keyLength = src.keyLength;
  if (from && from.type === 'number' && node.type === 'number' && from.value === node.value && from.raw !== undefined) node.raw = from.raw;
  return src;
}
