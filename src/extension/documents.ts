// Which open documents are model configs, and their analysis cached per document version, so hovers,
// diagnostics and code actions on the same version share one parse (hovers must answer in a few ms).
import * as vscode from 'vscode';
import { analyzeText, type Analysis } from '../core/analyze';
import { analyzeYamlText } from '../core/analyzeFile';

export const SECTION = 'positionEncodingLens';

/** Built-in name patterns: config.json and friends (`*config*.json`), never generation_config.json. */
const BUILTIN_GLOBS = ['**/config.json', '**/*config*.json', '**/*config*.jsonc'];
const EXCLUDED_NAMES = new Set(['generation_config.json']);
/** Training recipes have no telling name; the rope keys in them are what makes a YAML file ours. */
const TRAINING_YAML = /^\s*(rope_scaling|rope_theta)\s*:/m;

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
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the set of matching documents may have changed (the extraGlobs setting). */
  readonly onDidChangeSelection = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.readSettings();
    this.disposables.push(
      vscode.workspace.onDidCloseTextDocument((d) => this.cache.delete(d.uri.toString())),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration(`${SECTION}.extraGlobs`)) return;
        this.readSettings();
        this.changed.fire();
      }),
      this.changed,
    );
  }

  private readSettings(): void {
    const globs = vscode.workspace.getConfiguration(SECTION).get<unknown>('extraGlobs');
    this.extraGlobs = Array.isArray(globs) ? globs.filter((g): g is string => typeof g === 'string' && g.length > 0) : [];
  }

  /** True for documents whose name marks them as model configs (or that match a user glob). */
  isModelConfig(doc: vscode.TextDocument): boolean {
    if (doc.uri.scheme === 'output' || doc.uri.scheme === 'vscode-userdata') return false;
    const name = doc.uri.path.slice(doc.uri.path.lastIndexOf('/') + 1);
    // languages.match does VS Code's own glob matching, so user globs behave like files.exclude patterns.
    if (this.extraGlobs.some((pattern) => vscode.languages.match({ pattern }, doc) > 0)) return true;
    if (EXCLUDED_NAMES.has(name)) return false;
    if (doc.languageId === 'yaml') return TRAINING_YAML.test(doc.getText());
    return BUILTIN_GLOBS.some((pattern) => vscode.languages.match({ pattern }, doc) > 0);
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
