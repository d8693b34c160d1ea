// The runtime context a RoPE computation needs, derived from the spec in one place.
import type { RopeContext, RopeProfile } from '../rope/frequencies';
import type { EncodingSpec } from '../spec';

/** Context for computing `spec`'s frequencies at sequence length `seqLen` (null: before any sequence). */
export function ropeContext(spec: EncodingSpec, seqLen: number | null, profile: RopeProfile = 'v5'): RopeContext {
  const L = spec.maxContext ?? spec.trainedContext ?? 2048;
  const ctx: RopeContext = { maxPositionEmbeddings: L, seqLen, profile };
  // transformers 5 reads yarn's `truncate` from the outer rope_parameters even for per-layer dicts.
  if (spec.rope?.layout === 'rope_parameters_per_layer') {
    const outer = spec.raw['rope_parameters'];
    const t = outer && typeof outer === 'object' ? (outer as Record<string, unknown>)['truncate'] : undefined;
    ctx.truncateOverride = { value: typeof t === 'boolean' ? t : null };
  }
  return ctx;
}
