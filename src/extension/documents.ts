// Which open documents are model configs, and their analysis cached per document version, so hovers,
// diagnostics and code actions on the same version share one parse (hovers must answer in a few ms).
// Documents over the size limit are never analysed (one parse of a 50 MB JSON takes about a minute and
// gigabytes of heap), and in an untrusted workspace the settings that choose what gets analysed come
// from the user alone (package.json lists them under restrictedConfigurations).
import * as vscode from 'vscode';
import { analyzeText, type Analysis } from '../core/analyze';
import { analyzeYamlText } from '../core/analyzeFile';

export const SECTION = 'positionEncodingLens';

/** Built-in name patterns: config.json and friends (`*config*.json`), never generation_config.json. */
const BUILTIN_GLOBS = ['**/config.json', '**/*config*.json', '**/*config*.jsonc'];
const EXCLUDED_NAMES = new Set(['generation_config.json']);
/** Training recipes have no telling name; the rope keys in them are what makes a YAML file ours. */
const TRAINING_YAML = /^\s*(rope_scaling|rope_theta)\s*:/m;

/**
 * Default of `maxFileSizeKB` (package.json has the same). Real config.json files are 1-100 KB; the largest
 * carry label maps of tens of thousands of classes, about 1 MB. At 2 MB one analysis costs 0.6-1.1 s on a
 * 2-core machine (scripts/bench/scale.ts), paid once per typing pause; much beyond, the editor would stall.
 */
export const DEFAULT_MAX_FILE_KB = 2048;

/** Settings a workspace must not choose for itself while untrusted (restrictedConfigurations). */
export const RESTRICTED_SETTINGS = ['extraGlobs', 'maxFileSizeKB'] as const;

/** Sizes as people read them: 3 KB, 47.7 MB (characters, counted in units of 1024). */
const size = (chars: number): string => (chars < 1048576 ? `${Math.ceil(chars / 1024)} KB` : `${(chars / 1048576).toFixed(1)} MB`);

/** The one wording of "too large", for the diagnostic and the commands. */
export function oversizeText(o: Oversize): string {
  return `${size(o.chars)} of text is over the ${size(o.limit)} limit (setting positionEncodingLens.maxFileSizeKB)`;
}

/** A document that would be analysed by its name but is over the size limit (sizes in characters). */
export interface Oversize {
  chars: number;
  limit: number;
}

/** Length of the text without copying it: offsetAt works on the document's line index. */
export function documentLength(doc: vscode.TextDocument): number {
  return doc.offsetAt(doc.lineAt(doc.lineCount - 1).range.end);
}

/** A restricted setting: in an untrusted workspace only the user's value or the default counts. VS Code
 * filters these values itself; reading them this way keeps that true whatever the host does. */
function restrictedSetting(key: (typeof RESTRICTED_SETTINGS)[number]): unknown {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  if (vscode.workspace.isTrusted) return cfg.get<unknown>(key);
  const i = cfg.inspect<unknown>(key);
  return i?.globalValue ?? i?.defaultValue;
}

export interface CachedAnalysis {
  version: number;
  analysis: Analysis;
  /** Lazily computed extras (hover charts) that belong to this version. */
  memo: Map<string, unknown>;
}

export class ConfigDocuments implements vscode.Disposable {
  private readonly cache = new Map<string, CachedAnalysis>();
  private readonly disposables: vscode.Disposable[] = [];
  private extraGlobs: string[] = [];
  private maxChars = DEFAULT_MAX_FILE_KB * 1024;
  /** Length per document version, so the size check costs one line-index lookup per version. */
  private readonly lengths = new WeakMap<vscode.TextDocument, { version: number; chars: number }>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the set of matching documents may have changed (extraGlobs, the size limit, trust). */
  readonly onDidChangeSelection = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.readSettings();
    this.disposables.push(
      vscode.workspace.onDidCloseTextDocument((d) => this.cache.delete(d.uri.toString())),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!RESTRICTED_SETTINGS.some((k) => e.affectsConfiguration(`${SECTION}.${k}`))) return;
        this.readSettings();
        this.changed.fire();
      }),
      // Granting trust lets the workspace's own values of the restricted settings apply.
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.readSettings();
        this.changed.fire();
      }),
      this.changed,
    );
  }

  private readSettings(): void {
    const globs = restrictedSetting('extraGlobs');
    this.extraGlobs = Array.isArray(globs) ? globs.filter((g): g is string => typeof g === 'string' && g.length > 0) : [];
    const kb = restrictedSetting('maxFileSizeKB');
    this.maxChars = (typeof kb === 'number' && Number.isFinite(kb) && kb > 0 ? kb : DEFAULT_MAX_FILE_KB) * 1024;
  }

  /** 'config' when the name marks the document as a model config (or a user glob matches), 'yaml' when
   * only its content can tell (training recipes), null otherwise. */
  private nameKind(doc: vscode.TextDocument): 'config' | 'yaml' | null {
    if (doc.uri.scheme === 'output' || doc.uri.scheme === 'vscode-userdata') return null;
    const name = doc.uri.path.slice(doc.uri.path.lastIndexOf('/') + 1);
    // languages.match does VS Code's own glob matching, so user globs behave like files.exclude patterns.
    if (this.extraGlobs.some((pattern) => vscode.languages.match({ pattern }, doc) > 0)) return 'config';
    if (EXCLUDED_NAMES.has(name)) return null;
    if (doc.languageId === 'yaml') return 'yaml';
    return BUILTIN_GLOBS.some((pattern) => vscode.languages.match({ pattern }, doc) > 0) ? 'config' : null;
  }

  private length(doc: vscode.TextDocument): number {
    const hit = this.lengths.get(doc);
    if (hit && hit.version === doc.version) return hit.chars;
    const chars = documentLength(doc);
    this.lengths.set(doc, { version: doc.version, chars });
    return chars;
  }

  /** True for documents whose name marks them as model configs (or that match a user glob), within the size limit. */
  isModelConfig(doc: vscode.TextDocument): boolean {
    const kind = this.nameKind(doc);
    // The size check comes before any look at the text: a huge YAML file is not even searched for rope keys.
    if (kind === null || this.length(doc) > this.maxChars) return false;
    return kind === 'config' || TRAINING_YAML.test(doc.getText());
  }

  /** Set when the document's name marks it as a model config but it is too large to analyse. (A YAML file
   * over the limit is not reported: only its content could tell whether it is a training recipe.) */
  oversize(doc: vscode.TextDocument): Oversize | null {
    if (this.nameKind(doc) !== 'config') return null;
    return this.overLimit(this.length(doc));
  }

  /** null when `chars` is within the limit. */
  private overLimit(chars: number): Oversize | null {
    return chars > this.maxChars ? { chars, limit: this.maxChars } : null;
  }

  /** Throws the size message for a command asked to analyse an oversized document (the editor features
   *  are already off for it; a command would stall the extension host for as long as the analysis takes). */
  assertAnalysable(doc: vscode.TextDocument): void {
    this.assertWithinLimit(vscode.workspace.asRelativePath(doc.uri), this.length(doc));
  }

  /** The same for text read from a file (Compare): `name` is how the message names it. */
  assertWithinLimit(name: string, chars: number): void {
    const o = this.overLimit(chars);
    if (o) throw new Error(`${name} is not analysed: ${oversizeText(o)}.`);
  }

  /** The analysis of the document's current version (computed once per version), or null if not a config. */
  get(doc: vscode.TextDocument): CachedAnalysis | null {
    if (!this.isModelConfig(doc)) return null;
    const key = doc.uri.toString();
    const hit = this.cache.get(key);
    if (hit && hit.version === doc.version) return hit;
    const t0 = Date.now();
    const analysis = doc.languageId === 'yaml' ? analyzeYamlText(doc.getText()) : analyzeText(doc.getText());
    const entry: CachedAnalysis = { version: doc.version, analysis, memo: new Map() };
    this.cache.set(key, entry);
    this.log.trace(`analyzed ${doc.uri.fsPath} v${doc.version} in ${Date.now() - t0} ms`);
    return entry;
  }

  /** Memoizes `compute` for this document version under `key`. */
  memo<T>(entry: CachedAnalysis, key: string, compute: () => T): T {
    if (entry.memo.has(key)) return entry.memo.get(key) as T;
    const v = compute();
    entry.memo.set(key, v);
    return v;
  }

  /** Open documents that are model configs. */
  openConfigs(): vscode.TextDocument[] {
    return vscode.workspace.textDocuments.filter((d) => this.isModelConfig(d));
  }

  dispose(): void {
    this.cache.clear();
    for (const d of this.disposables) d.dispose();
  }
}

/** The document selector edit providers register with (their edits are JSON edits); the name filter above runs inside them. */
export const JSON_SELECTOR: vscode.DocumentSelector = [
  { language: 'json' },
  { language: 'jsonc' },
];

/** Read-only features (hovers, diagnostics) also serve training YAML. */
export const CONFIG_SELECTOR: vscode.DocumentSelector = [...JSON_SELECTOR, { language: 'yaml' }];
