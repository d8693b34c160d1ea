// The project's own advice about a scope (runtime `lens`): silent defaults and dimensions that tools disagree on.
import { HEADS_KEYS, HIDDEN_KEYS } from '../extract/families';
import type { Finding } from '../findings';
import type { EncodingSpec } from '../spec';

export function lensFindings(spec: EncodingSpec): Finding[] {
  const out: Finding[] = [];
  const rope = spec.rope;
  if (rope) {
    const theta = spec.sources['theta'];
    if (theta?.isDefault && spec.layer !== 'sliding_attention') {
      out.push({
        severity: 'info', code: 'lens.theta-default', runtime: 'lens', key: null, range: null,
        message: `\`rope_theta\` is not set: transformers uses the ${spec.modelType ?? 'config'} class default ${rope.theta}, and converters and other runtimes assume their own default. Every frequency depends on it — set it explicitly.`,
        data: { value: rope.theta },
      });
    }
    const hd = spec.sources['headDim'];
    const hidden = firstNumber(spec.raw, HIDDEN_KEYS);
    const heads = firstNumber(spec.raw, HEADS_KEYS);
    if (hd && !hd.isDefault && hidden !== null && heads !== null && heads > 0) {
      const q = hidden / heads;
      if (q !== rope.headDim && hd.key.endsWith('head_dim') && !hd.key.endsWith('qk_rope_head_dim')) {
        out.push({
          severity: 'info', code: 'lens.head-dim-mismatch', runtime: 'lens', key: hd.key, range: hd.keyRange,
          message: `head_dim (${rope.headDim}) differs from hidden_size / num_attention_heads (${Number.isInteger(q) ? q : q.toFixed(2)}). transformers and vLLM use head_dim; tools that derive the head size from hidden_size get a different rotary dimension (${Math.floor(q * rope.partialRotaryFactor)} instead of ${rope.rotaryDim}).`,
        });
      }
    }
  }
  if (rope && (spec.raw['use_dynamic_ntk'] === true || spec.raw['use_logn_attn'] === true)) {
    out.push({
      severity: 'info', code: 'lens.remote-code-ntk', runtime: 'lens', key: spec.raw['use_dynamic_ntk'] === true ? 'use_dynamic_ntk' : 'use_logn_attn', range: null,
      message: `Remote-code scaling keys (${['use_dynamic_ntk', 'use_logn_attn'].filter((k) => spec.raw[k] === true).join(', ')}): the model's own code (trust_remote_code) stretches the RoPE base once a sequence exceeds ${spec.maxContext ?? 'its trained length'} and scales attention by log n. transformers' built-in classes, vLLM and llama.cpp ignore these keys — there the model runs unscaled past that length; use rope_scaling {"rope_type": "dynamic"} for the same effect.`,
    });
  }
  if ((spec.kind === 'alibi' || spec.kind === 'rope') && spec.trainedContext === null) {
    out.push({
      severity: 'info', code: 'lens.no-trained-length', runtime: 'lens', key: null, range: null,
      message: 'The config does not say how long the training sequences were (no max_position_embeddings / seq_length), so extrapolation cannot be judged. Add the trained length.',
    });
  }
  return out;
}

function firstNumber(raw: Record<string, unknown>, keys: readonly string[]): number | null {
  for (const k of keys) {
    const v = raw[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}
