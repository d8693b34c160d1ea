// Workspace content the integration runs generate at test time into their throwaway workspace copy
// (never committed): a folder of 1,000 model configs for the scale tests, and what an untrusted
// repository would carry for the Restricted Mode run (workspace settings that try to widen the analysis).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const SCALE_CONFIG_COUNT = 1000;
/** Matched by the restricted run's workspace setting `extraGlobs`, by no built-in pattern. */
export const PARAMS_FILE = 'checkpoint/model.params.json';
/** Over the restricted run's workspace `maxFileSizeKB` (1 KB), well under the default limit. */
export const LABELLED_CONFIG = 'labelled/config.json';

/** A small Llama-style config; every 10th one carries a legacy `type` key so it has findings. */
function configText(i) {
  const legacy = i % 10 === 0;
  const cfg = {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: 2048 + 64 * (i % 8),
    num_attention_heads: 16,
    num_hidden_layers: 8 + (i % 24),
    max_position_embeddings: 4096 * (1 + (i % 4)),
    rope_theta: 10000 * (1 + (i % 50)),
    rope_scaling: legacy ? { type: 'yarn', factor: 4.0 } : { rope_type: 'linear', factor: 1 + (i % 4) },
  };
  return `${JSON.stringify(cfg, null, 2)}\n`;
}

/** Index of the configs with findings (for tests that want diagnostics to appear). */
export const scaleConfigWithFindings = (i) => i - (i % 10);

/** `dir/c0000/config.json` … one folder per config, as a hub checkout or a sweep of runs looks. */
export function writeScaleConfigs(dir, count = SCALE_CONFIG_COUNT) {
  for (let i = 0; i < count; i++) {
    const sub = path.join(dir, `c${String(i).padStart(4, '0')}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(sub, 'config.json'), configText(i));
  }
  return count;
}

/** A config with an id2label table of `labels` entries (a classifier head), pretty-printed. */
export function labelledConfigText(labels) {
  const id2label = Object.fromEntries(Array.from({ length: labels }, (_, i) => [String(i), `LABEL_${i}`]));
  return `${JSON.stringify({ ...JSON.parse(configText(1)), id2label }, null, 2)}\n`;
}

/**
 * What a downloaded, untrusted repository could carry: workspace settings that make the extension analyse
 * files it would not (extraGlobs) or skip what it should analyse (maxFileSizeKB), and the files they aim at.
 */
export function writeRestrictedWorkspace(ws) {
  mkdirSync(path.join(ws, '.vscode'), { recursive: true });
  writeFileSync(path.join(ws, '.vscode', 'settings.json'), `${JSON.stringify({
    'positionEncodingLens.extraGlobs': ['**/*.params.json'],
    'positionEncodingLens.maxFileSizeKB': 1,
  }, null, 2)}\n`);
  for (const [rel, text] of [[PARAMS_FILE, configText(10)], [LABELLED_CONFIG, labelledConfigText(100)]]) {
    mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
    writeFileSync(path.join(ws, rel), text);
  }
}
