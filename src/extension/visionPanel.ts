// The panel's data for 2D and multimodal encodings: a ViT/MAE patch grid with the resolution the panel
// resizes it to, and M-RoPE's split of the frequency pairs over the t/h/w axes with one example image.
// Free of `vscode` (panelData.ts calls it, and the browser test reuses both).
import type { EncodingAnalysis } from '../core/analyze';
import { gridSideFor } from '../core/vision/gridInterpolation';
import { mropeAxes, mropePositions, qwenImageGrid, QWEN2_VL_GEOMETRY, type QwenVisionGeometry } from '../core/vision/mrope';
import { sincos2dProblem } from '../core/vision/sincos2d';
import type { MropePanelData, VisionPanelData } from '../protocol';

/** model_types whose position table is MAE's fixed 2D sin-cos rather than trained weights. */
const SINCOS_MODEL_TYPES = new Set(['vit_mae']);
/** Largest grid side the panel resizes to: 64² rows of D floats stay a few MB in the webview. */
export const MAX_TARGET_GRID = 64;
/** The default target: 384 px, the ViT paper's fine-tuning resolution (twice the trained one when larger). */
const DEFAULT_TARGET_PIXELS = 384;
/** M-RoPE's example: a 1024×1024 image after a short prompt. */
export const MROPE_EXAMPLE = { height: 1024, width: 1024, textBefore: 16 };

/**
 * A patch grid and its resize target. An explicit target length counts positions, as the table does:
 * 1 + M² with a class token, so 577 asks for 24×24.
 */
export function visionPanelData(enc: EncodingAnalysis, explicitTarget: number | null): VisionPanelData | null {
  const g = enc.spec.patchGrid;
  if (enc.spec.kind !== 'patch_grid' || !g || g.gridSize < 1) return null;
  const table = enc.spec.modelType && SINCOS_MODEL_TYPES.has(enc.spec.modelType) ? 'sincos' : 'learned';
  let targetGrid: number;
  if (explicitTarget !== null) targetGrid = gridSideFor(explicitTarget, g.hasClsToken);
  else {
    const pixels = g.imageSize < DEFAULT_TARGET_PIXELS ? DEFAULT_TARGET_PIXELS : 2 * g.imageSize;
    targetGrid = Math.floor(pixels / g.patchSize);
  }
  targetGrid = Math.max(1, Math.min(MAX_TARGET_GRID, targetGrid));
  const problem = table === 'sincos' && g.dim !== null ? sincos2dProblem(g.dim) : null;
  return {
    table, modelType: enc.spec.modelType, imageSize: g.imageSize, patchSize: g.patchSize, grid: g.gridSize, hasCls: g.hasClsToken,
    dim: g.dim, targetImageSize: targetGrid * g.patchSize, targetGrid, problem,
  };
}

const num = (o: Record<string, unknown> | null, k: string): number | null => {
  const v = o?.[k];
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null;
};

/** The vision tower's patch and merge sizes from `vision_config` (Qwen2-VL defaults where absent). */
function geometryOf(root: unknown): QwenVisionGeometry {
  const r = typeof root === 'object' && root !== null ? (root as Record<string, unknown>) : {};
  const v = r['vision_config'];
  const vc = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  return {
    ...QWEN2_VL_GEOMETRY,
    patchSize: num(vc, 'patch_size') ?? num(vc, 'spatial_patch_size') ?? QWEN2_VL_GEOMETRY.patchSize,
    mergeSize: num(vc, 'spatial_merge_size') ?? QWEN2_VL_GEOMETRY.mergeSize,
    temporalPatchSize: num(vc, 'temporal_patch_size') ?? QWEN2_VL_GEOMETRY.temporalPatchSize,
  };
}

/** M-RoPE sections of a rotary encoding, with the example image's grid and ids; null without sections. */
export function mropePanelData(enc: EncodingAnalysis, root: unknown): MropePanelData | null {
  const rope = enc.spec.rope;
  if (!rope?.mropeSection || !enc.rope) return null;
  const invFreq = enc.rope.invFreq;
  const { axes, problem } = mropeAxes(invFreq.length, rope.mropeSection, rope.mropeInterleaved);
  const grid = qwenImageGrid(MROPE_EXAMPLE.height, MROPE_EXAMPLE.width, geometryOf(root));
  const example = grid
    ? {
      imagePixels: [MROPE_EXAMPLE.height, MROPE_EXAMPLE.width] as [number, number], resized: grid.resized,
      grid: { t: grid.t, h: grid.h, w: grid.w }, textBefore: MROPE_EXAMPLE.textBefore,
      nextText: mropePositions(MROPE_EXAMPLE.textBefore, grid).nextText,
    }
    : null;
  return { sections: [...rope.mropeSection], interleaved: rope.mropeInterleaved, axes, problem, invFreq, example };
}
