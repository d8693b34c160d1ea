// Large and many files keep the editor responsive: a workspace of 1,000 configs costs nothing until one is
// opened, a file's diagnostics are bounded, a 50 MB config is skipped with one note while hovers elsewhere
// keep answering, and a 10 GB (sparse) GGUF opens in the header view after a few small reads. The big files
// are generated here at test time; the 1,000 configs by the harness (or here, when another runner has none).
// No timing assertions: waits are for states, and a bound far above normal only tells a hang from a slow run.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SCALE_CONFIG_COUNT, scaleConfigWithFindings, writeScaleConfigs } from '../../scripts/harness/generatedWorkspaces.mjs';
import { withFileSource } from '../../src/cli/nodeByteSource';
import { analyzeSource } from '../../src/core/analyzeFile';
import type { ByteSource } from '../../src/core/formats/byteSource';
import { GGUF_TYPE } from '../../src/core/formats/gguf';
import { GgufBuilder } from '../unit/helpers/binaryWriters';
import { diagnosticsWhere, fixtureUri, openFixture } from './helpers';
import { waitUntil } from './util';

/** The harness shows only lines with the mocha reporter's tag (test/integration/index.ts): the measured numbers. */
const report = (line: string): void => console.log(`[pelens-mocha]       measured: ${line}`);
/** Far above any normal answer (milliseconds); only a blocked extension host misses it. */
const HANG_BOUND_MS = 15_000;
/** Just under the 50 MiB above which VS Code never hands a document to extensions: the most they can see. */
const BIG_CHARS = 50_000_000;
const OUR_HOVER = 'command:pelens.analyze';
const codes = (ds: vscode.Diagnostic[]): string[] => ds.map((d) => String(d.code)).sort();

async function bounded<T>(what: string, p: Thenable<T>): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${HANG_BOUND_MS} ms, the extension host is blocked`)), HANG_BOUND_MS);
  });
  try {
    return { value: await Promise.race([Promise.resolve(p), hang]), ms: Date.now() - t0 };
  } finally {
    clearTimeout(timer);
  }
}

function hoverText(hovers: vscode.Hover[] | undefined): string {
  return (hovers ?? []).flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

function hover(uri: vscode.Uri, pos: vscode.Position): Thenable<vscode.Hover[]> {
  return vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos);
}

/** A pretty-printed Llama config with an id2label table padding it to about `chars` characters. */
function bigConfigText(chars: number): string {
  const head = '{\n  "model_type": "llama",\n  "hidden_size": 4096,\n  "num_attention_heads": 32,\n  "max_position_embeddings": 4096,\n  "rope_theta": 10000.0,\n  "id2label": {\n';
  const parts = [head];
  let n = head.length + 8;
  for (let i = 0; n < chars - 64; i++) {
    const line = `    "${i}": "LABEL_${i}_with_a_longer_class_name",\n`;
    parts.push(line);
    n += line.length;
  }
  parts.push('    "end": "END"\n  }\n}\n');
  return parts.join('');
}

/** Counts what a reader asks of a file. */
function counting(src: ByteSource): { src: ByteSource; reads: () => number; bytes: () => number } {
  let reads = 0;
  let bytes = 0;
  const wrapped: ByteSource = {
    size: src.size,
    read: async (offset, length) => {
      reads++;
      const b = await src.read(offset, length);
      bytes += b.length;
      return b;
    },
  };
  return { src: wrapped, reads: () => reads, bytes: () => bytes };
}

/** The extension's log file (its folder is in the server's user-data dir, which the harness passes on). */
function extensionLog(): string | undefined {
  const root = process.env['PELENS_LOGS_DIR'];
  if (!root || !fs.existsSync(root)) return undefined;
  const found = (fs.readdirSync(root, { recursive: true }) as string[]).find((f) => f.endsWith('Position Encoding Lens.log'));
  return found ? fs.readFileSync(path.join(root, found), 'utf8') : undefined;
}

suite('scale: large and many files', () => {
  const removeAfter: string[] = [];

  suiteSetup(() => {
    // The harness generated the 1,000 configs before the workspace opened; other runners get them here.
    const dir = fixtureUri('scale/configs').fsPath;
    if (!fs.existsSync(dir)) {
      writeScaleConfigs(dir);
      removeAfter.push(fixtureUri('scale').fsPath);
    }
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const p of removeAfter) fs.rmSync(p, { recursive: true, force: true });
  });

  test('a workspace of 1,000 configs: the opened one gets diagnostics, no other is analysed', async () => {
    const all = await vscode.workspace.findFiles('scale/configs/**/config.json');
    assert.equal(all.length, SCALE_CONFIG_COUNT);
    const i = scaleConfigWithFindings(500);
    const t0 = Date.now();
    const doc = await openFixture(`scale/configs/c${String(i).padStart(4, '0')}/config.json`);
    await diagnosticsWhere(doc.uri, 'the legacy-type diagnostic', (x) => codes(x).includes('v4.legacy-type'));
    report(`first diagnostic on one of ${SCALE_CONFIG_COUNT} configs ${Date.now() - t0} ms after opening it`);
    const analysed = vscode.languages.getDiagnostics()
      .filter(([uri, ds]) => uri.path.includes('/scale/configs/') && ds.some((d) => d.source === 'pelens'))
      .map(([uri]) => uri.toString());
    assert.deepEqual(analysed, [doc.uri.toString()]);
  });

  test('at most 100 diagnostics per file, the most severe first, the rest counted in one note', async () => {
    const uri = fixtureUri('scale/many-findings/config.json');
    const junk = Object.fromEntries(Array.from({ length: 300 }, (_, k) => [`junk_${k}`, k]));
    const cfg = { model_type: 'llama', hidden_size: 4096, num_attention_heads: 32, max_position_embeddings: 4096, rope_scaling: { type: 'yarn', factor: 4.0, ...junk } };
    fs.mkdirSync(path.dirname(uri.fsPath), { recursive: true });
    fs.writeFileSync(uri.fsPath, JSON.stringify(cfg, null, 2));
    removeAfter.push(path.dirname(uri.fsPath));
    const doc = await openFixture('scale/many-findings/config.json');
    const ds = await diagnosticsWhere(doc.uri, 'the capped diagnostics', (x) => x.length > 0);
    assert.equal(ds.length, 101);
    const note = ds.filter((d) => d.code === 'file.findings-truncated');
    assert.equal(note.length, 1);
    const hidden = Number(/^(\d+) more finding/.exec(note[0]!.message)?.[1]);
    assert.ok(hidden >= 200, `only ${hidden} hidden of 300 unknown keys`);
    // The error-level findings are among those shown.
    assert.ok(codes(ds).includes('vllm.yarn-no-orig'));
  });

  test('a 50 MB config gets one note, no analysis, and hovers elsewhere keep answering', async function () {
    this.timeout(240_000);
    const text = bigConfigText(BIG_CHARS);
    const file = fixtureUri('scale/big/config.json');
    fs.mkdirSync(path.dirname(file.fsPath), { recursive: true });
    fs.writeFileSync(file.fsPath, text);
    removeAfter.push(path.dirname(file.fsPath));

    // Two probes: a JSON config (VS Code's JSON language server answers too, so its time is in there) and a
    // training YAML, where only this extension answers: the extension host's own latency.
    const small = await openFixture('llama3/config.json');
    const smallPos = small.positionAt(small.getText().indexOf('"rope_theta"') + 1);
    const yaml = await openFixture('train/axolotl.yaml');
    const yamlPos = yaml.positionAt(yaml.getText().indexOf('factor') + 1);
    const probe = async (when: string): Promise<string> => {
      const j = await bounded(`hover on a small config ${when}`, hover(small.uri, smallPos));
      const y = await bounded(`hover on a training YAML ${when}`, hover(yaml.uri, yamlPos));
      assert.ok(hoverText(j.value).includes(OUR_HOVER) && hoverText(y.value).includes(OUR_HOVER), `no hover ${when}`);
      return `${j.ms} / ${y.ms} ms ${when}`;
    };
    const before = await probe('alone');

    const t0 = Date.now();
    const big = await bounded('opening the 50 MB config', vscode.workspace.openTextDocument(file));
    await vscode.window.showTextDocument(big.value, { preview: false });
    const ds = await diagnosticsWhere(file, 'the too-large note', (x) => codes(x).includes('file.too-large'));
    report(`50 MB config: opened in ${big.ms} ms, its note ${Date.now() - t0} ms after the open began`);
    assert.equal(ds.length, 1);
    assert.match(ds[0]!.message, /^Not analysed: 47\.7 MB of text is over the 2\.0 MB limit/);

    const bigPos = big.value.positionAt(text.indexOf('"rope_theta"') + 1);
    const onBig = await bounded('hover on the 50 MB config', hover(file, bigPos));
    assert.ok(!hoverText(onBig.value).includes(OUR_HOVER));
    const during = await probe('with the 50 MB config open');
    // The palette commands refuse it with the size message instead of analysing it on the extension host.
    for (const cmd of ['pelens.analyze', 'pelens.checkExtrapolation', 'pelens.suggest']) {
      const r = await bounded(`${cmd} on the 50 MB config`, Promise.resolve(vscode.commands.executeCommand(cmd, file.toString(), 65536, 'yarn')));
      assert.equal(r.value, undefined, `${cmd} produced nothing`);
    }

    // Typing into it: each edit is a new version; 300 KB more text shows in the note once it is refreshed.
    const end = big.value.positionAt(text.length - 4);
    for (let k = 0; k < 5; k++) {
      const edit = new vscode.WorkspaceEdit();
      edit.insert(file, end, ' '.repeat(61_440));
      assert.ok((await bounded('an edit to the 50 MB config', vscode.workspace.applyEdit(edit))).value);
    }
    const typed = await probe('right after 5 edits to it');
    const after = await diagnosticsWhere(file, 'the note for the edited version', (x) => x.some((d) => /^Not analysed: 48\.0 MB/.test(d.message)));
    assert.equal(after.length, 1);
    report(`hover on a small config / a training YAML: ${before}, ${during}, ${typed}; on the 50 MB config itself ${onBig.ms} ms`);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('a 10 GB sparse GGUF opens in the header view after a few small reads', async function () {
    this.timeout(120_000);
    const uri = fixtureUri('scale/huge.gguf');
    const header = new GgufBuilder()
      .str('general.architecture', 'llama').u32('llama.context_length', 131072).u32('llama.embedding_length', 4096)
      .u32('llama.attention.head_count', 32).f32('llama.rope.freq_base', 500000)
      .arr('tokenizer.ggml.tokens', GGUF_TYPE.STRING, ['a', 'b'])
      .tensor('token_embd.weight', [4096, 128256], 1, 0).tensor('output.weight', [4096, 128256], 1, 1_050_673_152)
      .build();
    fs.mkdirSync(path.dirname(uri.fsPath), { recursive: true });
    fs.writeFileSync(uri.fsPath, header);
    removeAfter.push(uri.fsPath);
    // Sparse: the 10 GB of tensor data are a hole in the file, nothing is written.
    fs.truncateSync(uri.fsPath, 10 * 2 ** 30);
    assert.equal(fs.statSync(uri.fsPath).size, 10 * 2 ** 30);

    const t0 = Date.now();
    const counted = await withFileSource(uri.fsPath, async (src) => {
      const c = counting(src);
      const a = await analyzeSource('gguf', c.src);
      return { a, reads: c.reads(), bytes: c.bytes() };
    });
    report(`10 GB GGUF header: ${counted.reads} reads, ${counted.bytes} bytes, ${Date.now() - t0} ms (engine, in the extension host)`);
    // The header reader's first chunk is 1 MiB; anything near the file's size would mean reading the tensors.
    assert.ok(counted.bytes <= 16 * 2 ** 20, `read ${counted.bytes} bytes of a 10 GB file`);
    assert.equal(counted.a.encodings[0]?.spec.rope?.theta, 500000);

    const t1 = Date.now();
    await vscode.commands.executeCommand('vscode.open', uri);
    await waitUntil('the GGUF view tab', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputCustom && input.uri.toString() === uri.toString() && input.viewType === 'positionEncodingLens.binaryView';
    });
    if (process.env['PELENS_LOGS_DIR']) {
      // The view logs its header read; seeing that line means the view read the file, not just opened a tab.
      const line = await waitUntil('the view to log its header read', () => /read huge\.gguf header in (\d+) ms[^\n]*/.exec(extensionLog() ?? '')?.[0]);
      report(`10 GB GGUF view: tab and header read ${Date.now() - t1} ms after the open ("${line}")`);
    }
  });
});
