// Where vLLM and llama.cpp read the same keys differently from transformers, and the project's own advice
// (`lens`): length keys that disagree with the scaling, head sizes, silent defaults. Each finding says what
// happens in which runtime and what to do.
import { entryInDict } from '../extract/rope';
import type { Finding } from '../findings';
import type { Range } from '../source';
import type { EncodingSpec } from '../spec';
import { RopeFindingSink, round } from './transformers5';

export function runtimeFindings(spec: EncodingSpec, dictRange: Range | null): Finding[] {
  const rope = spec.rope;
  if (!rope) return [];
  const vllm = new RopeFindingSink(rope, 'vllm', dictRange);
  const cpp = new RopeFindingSink(rope, 'llama.cpp', dictRange);
  const lens = new RopeFindingSink(rope, 'lens', dictRange);
  const e = rope.entries;
  const L = spec.maxContext;
  const L0 = rope.originalMaxPositionEmbeddings;
  const s = rope.factor;
  const typeEntry = e['rope_type']?.node ? e['rope_type'] : e['type'];
  const inDict = (k: string): boolean => entryInDict(rope, k);

  switch (rope.type) {
    case 'longrope':
      vllm.add('info', 'vllm.longrope-static', `vLLM applies the long factors to every token once max_model_len exceeds original_max_position_embeddings (${L0 ?? '?'}) and ignores \`factor\` (it uses max_position_embeddings / original); transformers switches short→long by the current length. Short prompts therefore see different frequencies in vLLM than in transformers.`, typeEntry);
      cpp.add('info', 'llamacpp.longrope-tensors', 'llama.cpp stores LongRoPE short/long factors as tensors (rope_factors_short/long) in the GGUF, written by the converter; a GGUF converted without them silently runs unscaled RoPE.', typeEntry);
      break;
    case 'dynamic':
      vllm.add('warning', 'vllm.dynamic-static', `vLLM computes dynamic NTK once for a fixed length (max_model_len), not per sequence as transformers does, so every prompt — short ones too — gets the stretched base (reported in vLLM issues 3488, 5093, 41236, 52665). Expect different outputs from transformers on short inputs.`, typeEntry);
      cpp.add('warning', 'llamacpp.no-dynamic', 'llama.cpp has no dynamic NTK scaling: a GGUF conversion runs this model unscaled unless you pass --rope-freq-base with an NTK-adjusted base.', typeEntry);
      break;
    case 'yarn': {
      if (!inDict('original_max_position_embeddings')) {
        vllm.add('error', 'vllm.yarn-no-orig', `vLLM reads \`original_max_position_embeddings\` from the yarn dict to size the model (max_model_len = original × factor) and fails without it. Add it (usually ${L ?? 'the trained length'}).`, typeEntry, { value: L });
        lens.add('warning', 'rope.yarn-no-orig', `yarn without \`original_max_position_embeddings\`: transformers 5 assumes the trained length is max_position_embeddings (${L ?? '?'}), vLLM refuses the config, and older transformers ramp over the wrong length. Add it explicitly.`, typeEntry, { value: L });
      }
      const dropped = ['beta_fast', 'beta_slow', 'mscale', 'mscale_all_dim', 'attention_factor', 'truncate'].filter((k) => inDict(k));
      cpp.add('info', 'llamacpp.yarn-keys', `llama.cpp's GGUF keeps only the yarn type, factor and original context${dropped.length ? `; ${dropped.map((k) => `\`${k}\``).join(', ')} ${dropped.length > 1 ? 'are' : 'is'} not carried (except for DeepSeek-style architectures)` : ''}. Match them with --yarn-beta-fast/--yarn-beta-slow/--yarn-attn-factor when serving a GGUF.`, typeEntry);
      if (rope.mscale !== null && rope.mscaleAllDim !== null) {
        lens.add('info', 'rope.deepseek-mscale', `DeepSeek-style mscale: transformers 5 scales cos/sin by m(s, ${rope.mscale}) / m(s, ${rope.mscaleAllDim}) = ${round(mscaleRatio(s ?? 1, rope.mscale, rope.mscaleAllDim))}, while the DeepSeek modelling code and vLLM's deepseek_yarn also fold m(s, mscale_all_dim)² = ${round(Math.pow(0.1 * rope.mscaleAllDim * Math.log(s ?? 1) + 1, 2))} into the softmax scale. A generic yarn implementation that ignores the second part attends differently.`, e['mscale'] ?? typeEntry);
      }
      break;
    }
    case 'llama3':
      cpp.add('info', 'llamacpp.llama3-tensor', 'llama.cpp carries llama3 frequency factors in a `rope_freqs` tensor, not as metadata keys: check that the converted GGUF has it, or long prompts run unscaled.', typeEntry);
      break;
    default:
      if (rope.rawType !== null && !['default', 'linear', 'mrope', 'proportional'].includes(rope.rawType)) {
        vllm.add('info', 'vllm.type', `vLLM has its own set of rope types; "${rope.rawType}" must be one of them (e.g. ntk, deepseek_yarn, dynamic with alpha) or vLLM refuses the config.`, typeEntry);
      }
  }

  // vLLM derives max_model_len from the scaling (except su/longrope/llama3): yarn from original × factor, else L × factor.
  if (s !== null && s > 1 && ['linear', 'dynamic', 'yarn'].includes(rope.type) && L !== null) {
    const derived = rope.type === 'yarn' ? (inDict('original_max_position_embeddings') ? (L0 ?? L) : null) : L;
    if (derived !== null) {
      const vllmLen = Math.round(derived * s);
      const covered = Math.round((spec.trainedContext ?? L) * s);
      if (rope.type !== 'yarn' && spec.trainedContext !== null && spec.trainedContext < L) {
        vllm.add('warning', 'vllm.max-len', `vLLM derives max_model_len = max_position_embeddings × factor = ${L} × ${round(s)} = ${vllmLen}, but the trained length ${spec.trainedContext} × ${round(s)} only covers ${covered}. Pass --max-model-len ${covered}, or set max_position_embeddings to the trained length.`, e['factor'], { maxModelLen: covered });
      } else {
        vllm.add('info', 'vllm.max-len', `vLLM derives max_model_len = ${rope.type === 'yarn' ? 'original_max_position_embeddings' : 'max_position_embeddings'} × factor = ${vllmLen}${vllmLen !== L ? ` (max_position_embeddings says ${L})` : ''}.`, e['factor']);
      }
    }
  }

  // The lengths must agree with the scaling: L = L₀ × s for the types whose L₀ is the trained length.
  // (yarn's mismatch is transformers' own factor warning; llama3 is checked here.)
  if (rope.type === 'llama3' && s !== null && L0 !== null && L !== null && inDict('original_max_position_embeddings')) {
    const expected = Math.round(L0 * s);
    if (L > expected) {
      lens.add('info', 'lens.llama3-beyond-interpolation', `max_position_embeddings (${L}) is more than original × factor = ${L0} × ${round(s)} = ${expected}: the llama3 scaling interpolates to ${expected}, and the rest relies on long-context training with this scaling (as Llama 3.1 had). A model without such training degrades past ${expected}.`, e['factor']);
    } else if (expected !== L) {
      const src = spec.sources['maxContext'];
      lens.findings.push({
        severity: 'warning', code: 'lens.max-vs-scaling', runtime: 'lens', key: src?.isDefault ? null : (src?.key ?? null), range: src?.keyRange ?? dictRange,
        message: `max_position_embeddings (${L}) disagrees with original_max_position_embeddings × factor = ${L0} × ${round(s)} = ${expected}. Runtimes size caches and limits from max_position_embeddings; set it to ${expected}.`,
        data: { expectedMax: expected },
      });
    }
  }
  return [...vllm.findings, ...cpp.findings, ...lens.findings];
}

function mscaleRatio(s: number, a: number, b: number): number {
  const m = (k: number): number => (s <= 1 ? 1 : 0.1 * k * Math.log(s) + 1);
  return m(a) / m(b);
}
