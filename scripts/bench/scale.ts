// Large files, outside VS Code: what one analysis costs at the editor's size limit (the figure that chose
// DEFAULT_MAX_FILE_KB: it is paid once per typing pause), and what the header view pays for a 10 GB sparse
// GGUF. The in-editor figures (time to first diagnostic among 1,000 configs, hover latency with a 50 MB
// config open) are printed by test/integration/scale.test.ts under `npm run test:integration`.
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labelledConfigText } from '../harness/generatedWorkspaces.mjs';
import { withFileSource } from '../../src/cli/nodeByteSource';
import { analyzeText } from '../../src/core/analyze';
import { analyzeSource } from '../../src/core/analyzeFile';
import { GGUF_TYPE } from '../../src/core/formats/gguf';
import { GgufBuilder } from '../../test/unit/helpers/binaryWriters';
import { median, type Result } from './measure';

/** A pretty-printed config padded with an id2label table to about `kb` KB (a classifier's label map). */
function configOfSize(kb: number): string {
  // Sized by the average entry length of a 1,000-entry table (header included, a slight overestimate).
  const first = 1000;
  const perEntry = labelledConfigText(first).length / first;
  return labelledConfigText(Math.max(1, Math.round((kb * 1024) / perEntry)));
}

/** The setting's default as users get it (package.json); src/extension/documents.ts falls back to the same. */
function defaultLimitKb(): number {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
  return Number(pkg.contributes.configuration.properties['positionEncodingLens.maxFileSizeKB'].default);
}

export async function benchScale(): Promise<Result[]> {
  const rows: Result[] = [];
  // 1 MB: a classifier config with a label map of tens of thousands of classes, among the largest real ones.
  for (const [kb, label, target] of [[1024, 'a large label map', null], [defaultLimitKb(), 'at the default maxFileSizeKB; larger files are not analysed', 1000]] as const) {
    const text = configOfSize(kb);
    const ms = await median(() => analyzeText(text), 3, 1);
    const base = await median(() => JSON.parse(text), 3, 1);
    rows.push({
      name: `scale: analyse a ${(text.length / 1048576).toFixed(1)} MB config (${label})`,
      backend: 'node', median_ms: ms, baseline_ms: base, ratio: base / ms, target_ms: target, met: target === null ? null : ms <= target,
    });
  }
  rows.push(await ggufHeader());
  return rows;
}

/** The header view's read of a 10 GB GGUF (sparse: nothing but the header is on disk) vs open+stat+close. */
async function ggufHeader(): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'pelens-bench-'));
  const file = join(dir, 'huge.gguf');
  try {
    writeFileSync(file, new GgufBuilder()
      .str('general.architecture', 'llama').u32('llama.context_length', 131072).u32('llama.embedding_length', 4096)
      .u32('llama.attention.head_count', 32).f32('llama.rope.freq_base', 500000)
      .arr('tokenizer.ggml.tokens', GGUF_TYPE.STRING, Array.from({ length: 1000 }, (_, i) => `t${i}`))
      .tensor('token_embd.weight', [4096, 128256], 1, 0).build());
    truncateSync(file, 10 * 2 ** 30);
    const ms = await median(() => withFileSource(file, (src) => analyzeSource('gguf', src)));
    const base = await median(async () => {
      const h = await open(file, 'r');
      await h.stat();
      await h.close();
    });
    return { name: 'scale: 10 GB sparse GGUF, header analysed (the binary view\'s read)', backend: 'node', median_ms: ms, baseline_ms: base, ratio: base / ms, target_ms: 100, met: ms <= 100 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
