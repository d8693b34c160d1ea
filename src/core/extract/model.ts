// From a parsed config tree to the normalized ModelSpec: find the scopes (root, text_config, …), decide each
// scope's encoding kind and read its parameters with provenance.
import { alibiSlopes } from '../encodings/relative';
import type { Finding } from '../findings';
import { child, isObject, type SrcNode } from '../source';
import type { EncodingSpec, ModelSpec } from '../spec';
import { HEADS_KEYS, HIDDEN_KEYS, MAX_LENGTH_KEYS, MODEL_KEYS, TEXT_SCOPES, defaultMaxLength } from './families';
import { detectKind } from './kind';
import { ScopeReader } from './reader';
import { readRope } from './rope';

export function extractModel(root: SrcNode | null): ModelSpec {
  const findings: Finding[] = [];
  if (!isObject(root)) {
    if (root) findings.push({ severity: 'error', code: 'file.not-object', runtime: 'lens', message: 'A model config must be a JSON object at the top level.', key: null, range: root.range });
    return { encodings: [], findings };
  }
  const scopes: { name: string; node: SrcNode }[] = [];
  const nested: { name: string; node: SrcNode }[] = [];
  for (const name of TEXT_SCOPES) {
    const node = child(root, name);
    if (isObject(node)) nested.push({ name, node });
  }
  // A wrapper config (Llava, Gemma 3, InternVL) keeps the language model in a nested scope; the root then
  // only counts if it carries position keys of its own.
  if (nested.length === 0 || hasPositionKeys(root)) scopes.push({ name: '', node: root });
  scopes.push(...nested);
  const vision = child(root, 'vision_config');
  if (isObject(vision) && child(vision, 'image_size') && child(vision, 'patch_size')) scopes.push({ name: 'vision_config', node: vision });

  const encodings: EncodingSpec[] = [];
  for (const s of scopes) {
    if (s.name === '' && !MODEL_KEYS.some((k) => child(s.node, k))) continue;
    encodings.push(...extractScope(s.node, s.name));
  }
  if (encodings.length === 0) {
    findings.push({
      severity: 'error', code: 'file.no-model-keys', runtime: 'lens',
      message: 'No model keys found (model_type, hidden_size, max_position_embeddings, rope_theta, …): this does not look like a model config.',
      key: null, range: root.range ? { start: root.range.start, end: root.range.start } : null,
    });
  }
  return { encodings, findings };
}

function hasPositionKeys(node: SrcNode): boolean {
  return ['max_position_embeddings', 'rope_theta', 'rope_scaling', 'rope_parameters', 'n_positions', 'alibi'].some((k) => child(node, k));
}

function extractScope(node: SrcNode, scope: string): EncodingSpec[] {
  const r = new ScopeReader(node, scope);
  const modelType = r.string(r.get('model_type'));
  const decision = detectKind(r, modelType);
  const maxHit = r.first(MAX_LENGTH_KEYS);
  let L = r.number(maxHit?.node ?? null, { positive: true, integer: true });
  if (L !== null) r.source('maxContext', maxHit?.node ?? null, maxHit?.key ?? 'max_position_embeddings');
  else {
    L = decision.kind === 'rope' || decision.kind === 'learned' ? defaultMaxLength(modelType) : null;
    r.source('maxContext', null, 'max_position_embeddings', L !== null ? `config class default for ${modelType}` : 'not set');
  }
  const useWindow = r.get('use_sliding_window')?.value !== false;
  const windowValue = useWindow ? r.number(r.get('sliding_window'), { positive: true }) : null;
  const hidden = r.number(r.first(HIDDEN_KEYS)?.node ?? null, { positive: true });
  const heads = r.number(r.first(HEADS_KEYS)?.node ?? null, { positive: true });
  const base = (): EncodingSpec => ({
    scope, layer: null, kind: decision.kind, modelType, trainedContext: null, maxContext: L, slidingWindow: windowValue,
    rope: null, alibi: null, t5: null, learned: null, patchGrid: null, relativeKey: null, sinusoidal: null,
    sources: r.sources, findings: r.findings, raw: r.raw,
  });

  switch (decision.kind) {
    case 'rope':
      return readRope(r, modelType, L).map((layer) => {
        const p = layer.params;
        const trainedSource = layer.sources['originalMaxPositionEmbeddings'] ?? r.sources['maxContext']!;
        const sources = { ...layer.sources, maxContext: r.sources['maxContext']!, trainedContext: trainedSource };
        return { ...base(), layer: layer.layer, rope: p, trainedContext: p.originalMaxPositionEmbeddings ?? L, sources };
      });
    case 'alibi': {
      const attn = r.object('attn_config');
      const maxBias = r.number(child(attn, 'alibi_bias_max'), { positive: true }) ?? 8;
      const n = heads ?? 0;
      if (heads === null) r.warn(null, 'alibi.no-heads', 'The number of attention heads is not set, so the ALiBi slopes cannot be computed.', 'warning');
      const trained = r.number(r.get('seq_length'), { positive: true });
      return [{ ...base(), trainedContext: trained ?? L, alibi: { numHeads: n, slopes: alibiSlopes(n, maxBias), maxBias } }];
    }
    case 't5_relative': {
      const nb = r.number(r.get('relative_attention_num_buckets'), { positive: true, integer: true }) ?? 32;
      const md = r.number(r.get('relative_attention_max_distance'), { positive: true }) ?? 128;
      r.source('numBuckets', r.get('relative_attention_num_buckets'), 'relative_attention_num_buckets', 'T5Config default 32');
      r.source('maxDistance', r.get('relative_attention_max_distance'), 'relative_attention_max_distance', 'T5Config default 128');
      // Offsets up to max_exact (num_buckets/4 in the encoder, /2 in the decoder) get one bucket each; the log-spaced
      // buckets after them need max_distance beyond that, else transformers computes out-of-range bucket indices.
      const [encoderExact, decoderExact] = [Math.floor(nb / 4), Math.floor(nb / 2)];
      if (md <= decoderExact) {
        r.warn(r.get('relative_attention_max_distance') ?? r.get('relative_attention_num_buckets'), 't5.max-distance-too-small',
          `relative_attention_max_distance (${md}) must exceed the exact-offset range of ${nb} buckets (${encoderExact} in the encoder, ${decoderExact} in the decoder): beyond it transformers' log-spaced buckets run backwards or divide by zero, giving bucket indices outside the table (an index error at runtime)${md > encoderExact ? ' in the decoder' : ''}.`,
          md <= encoderExact ? 'error' : 'warning');
      }
      return [{ ...base(), trainedContext: L, t5: { numBuckets: nb, maxDistance: md, bidirectional: true } }];
    }
    case 'learned':
      return [{ ...base(), trainedContext: L, learned: { tableSize: L ?? 0, dim: hidden } }];
    case 'relative_key':
      return [{ ...base(), trainedContext: L, relativeKey: { variant: String(r.get('position_embedding_type')?.value), maxPositionEmbeddings: L } }];
    case 'sinusoidal':
      return [{ ...base(), trainedContext: L, sinusoidal: { dim: hidden, base: 10000 } }];
    case 'patch_grid': {
      const image = r.number(r.get('image_size'), { positive: true }) ?? 224;
      const patch = r.number(r.get('patch_size'), { positive: true }) ?? 16;
      const grid = Math.floor(image / patch);
      const cls = !['siglip_vision_model'].includes(modelType ?? '');
      r.source('imageSize', r.get('image_size'), 'image_size', 'ViTConfig default 224');
      r.source('patchSize', r.get('patch_size'), 'patch_size', 'ViTConfig default 16');
      const positions = grid * grid + (cls ? 1 : 0);
      return [{ ...base(), trainedContext: positions, maxContext: positions, patchGrid: { imageSize: image, patchSize: patch, gridSize: grid, numPositions: positions, hasClsToken: cls, dim: hidden } }];
    }
    default:
      return [{ ...base() }];
  }
}
