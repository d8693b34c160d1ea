// The side panel (a WebviewView in its own activity-bar container): follows the active model config,
// answers the webview's typed requests with core-engine results, and leaves the heavy tables to ORT in
// the webview. No retainContextWhenHidden: the webview restores its controls with getState/setState.
import * as vscode from 'vscode';
import { parseWebviewMessage, type BackendSetting, type DocumentChangedMessage, type HostMessage, type PanelData, type Reply, type RequestMessage } from '../protocol';
import { BINARY_VIEW } from './binaryView';
import { makeNonce } from './csp';
import type { ConfigDocuments } from './documents';
import { panelData } from './panelData';
import { panelHtml } from './panelHtml';
import { LearnedTables } from './panelLearned';

export const PANEL_VIEW_ID = 'positionEncodingLens.panel';
const SETTING = 'positionEncodingLens.panel.backend';
/** Edits re-render after typing pauses this long: analysis plus ORT runs are too heavy for every keystroke. */
const EDIT_DEBOUNCE_MS = 300;

function readBackend(): BackendSetting {
  const v = vscode.workspace.getConfiguration().get<string>(SETTING);
  return v === 'webgpu' || v === 'wasm' ? v : 'auto';
}

class PanelProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private followed: vscode.TextDocument | undefined;
  /** An opened .gguf/.safetensors (binary view tab) the panel follows instead of a text config. */
  private binary: vscode.Uri | undefined;
  private readonly learned = new LearnedTables((m) => this.log.info(`panel: ${m}`));
  /** What the last analyze reply held (the table's size, not its values): the inspect command's answer. */
  lastShown: { document: string; kind: string; learned: { source: string; name: string | null; dtype: string | null; rowsUsed: number; stride: number; bytes: number; problem: string | null } | null } | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly log: vscode.LogOutputChannel, private readonly docs: ConfigDocuments) {
    this.follow(vscode.window.activeTextEditor?.document);
    this.followBinary();
    this.disposables.push(
      vscode.window.tabGroups.onDidChangeTabs(() => {
        if (this.followBinary()) this.notifyChanged();
      }),
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (this.follow(e?.document)) this.notifyChanged();
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document !== this.followed || e.contentChanges.length === 0) return;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.notifyChanged(), EDIT_DEBOUNCE_MS);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d !== this.followed) return;
        this.followed = undefined;
        this.notifyChanged();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SETTING)) this.post({ type: 'settings', backend: readBackend() });
      }),
    );
  }

  /** Switches to `doc` when it is a config; other editors (output, settings, code) keep the last config. */
  private follow(doc: vscode.TextDocument | undefined): boolean {
    // The same notion of "model config" as hovers and diagnostics (extraGlobs included); the panel reads
    // JSON configs only (its data request analyses the text as JSON).
    if (!doc || (doc === this.followed && !this.binary) || doc.languageId === 'yaml' || !this.docs.isModelConfig(doc)) return false;
    this.followed = doc;
    this.binary = undefined;
    return true;
  }

  /** Switches to the active binary view (GGUF, safetensors), or drops a followed one whose tabs all closed. */
  private followBinary(): boolean {
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    if (input instanceof vscode.TabInputCustom && input.viewType === BINARY_VIEW) {
      if (this.binary?.toString() === input.uri.toString()) return false;
      this.binary = input.uri;
      this.followed = undefined;
      return true;
    }
    const open = (u: vscode.Uri): boolean => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputCustom && t.input.uri.toString() === u.toString()));
    if (!this.binary || open(this.binary)) return false;
    this.binary = undefined;
    return true;
  }

  private docInfo(): DocumentChangedMessage['document'] {
    if (this.binary) return { name: vscode.workspace.asRelativePath(this.binary), version: 1 };
    const d = this.followed;
    return d ? { name: vscode.workspace.asRelativePath(d.uri), version: d.version } : null;
  }

  private notifyChanged(): void {
    this.post({ type: 'documentChanged', document: this.docInfo() });
  }

  private post(message: HostMessage): void {
    // A hidden view has no webview to post to; it asks again after its ready handshake.
    if (this.view) void this.view.webview.postMessage(message);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const distRoot = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    const ortRoot = vscode.Uri.joinPath(this.extensionUri, 'media', 'ort');
    // Only the bundle and the ORT runtime are readable from the webview, not the whole extension.
    view.webview.options = { enableScripts: true, localResourceRoots: [distRoot, ortRoot] };
    const w = view.webview;
    view.webview.html = panelHtml({
      cspSource: w.cspSource,
      nonce: makeNonce(),
      scriptUri: w.asWebviewUri(vscode.Uri.joinPath(distRoot, 'main.js')).toString(),
      styleUri: w.asWebviewUri(vscode.Uri.joinPath(distRoot, 'main.css')).toString(),
      ortBase: `${w.asWebviewUri(ortRoot).toString()}/`,
    });
    const sub = w.onDidReceiveMessage((raw: unknown) => void this.receive(raw));
    view.onDidDispose(() => {
      sub.dispose();
      if (this.view === view) this.view = undefined;
    });
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.log.warn(`panel: rejected message from webview: ${parsed.error}`);
      return;
    }
    const m = parsed.value;
    switch (m.type) {
      case 'ready':
        this.post({ type: 'init', backend: readBackend(), document: this.docInfo() });
        return;
      case 'rendered':
        this.log.info(`panel: rendered on ${m.backend} in ${m.ms.toFixed(0)} ms (ORT ${m.computeMs.toFixed(0)} ms; ${Object.entries(m.phases).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')})${m.fallbackReason ? `; fell back from WebGPU: ${m.fallbackReason}` : ''}`);
        return;
      case 'log':
        this.log[m.level](`panel (webview): ${m.message}`);
        return;
      case 'request':
        this.post({ type: 'response', id: m.id, reply: await this.answer(m) });
    }
  }

  private async answer(m: RequestMessage): Promise<Reply<unknown>> {
    try {
      if (m.method === 'analyze') {
        const doc = this.followed;
        const params = m.params as RequestMessage<'analyze'>['params'];
        if (this.binary) {
          if (this.binary.scheme !== 'file') return { ok: false, error: 'The panel reads GGUF and safetensors files on the local disk only.' };
          return { ok: true, value: this.shown(await this.learned.binaryPanelData(this.binary.fsPath, this.docInfo()!, params)) };
        }
        if (!doc) return { ok: false, error: 'Open a model config (config.json) to see its position encoding.' };
        const t0 = Date.now();
        const value = panelData(doc.getText(), this.docInfo()!, params);
        if (doc.uri.scheme === 'file') await this.learned.attach(doc.uri.fsPath, value, params.haveLearned);
        this.log.trace(`panel: analyzed ${doc.uri.fsPath} v${doc.version} in ${Date.now() - t0} ms`);
        return { ok: true, value: this.shown(value) };
      }
      if (m.method === 'learned') {
        const doc = this.followed;
        if (!doc || this.binary || doc.uri.scheme !== 'file') return { ok: false, error: 'Only a config.json on the local disk has weights beside it to read.' };
        return { ok: true, value: await this.learned.load(doc.uri.fsPath, (m.params as RequestMessage<'learned'>['params']).layer) };
      }
      return { ok: true, value: await this.export(m.params as RequestMessage<'export'>['params']) };
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      this.log.error(`panel: ${m.method} failed: ${e instanceof Error ? (e.stack ?? error) : error}`);
      return { ok: false, error };
    }
  }

  private shown(d: PanelData): PanelData {
    const l = d.learned;
    const t = l?.table;
    this.lastShown = {
      document: d.document.name, kind: d.kind,
      learned: l ? { source: l.source, name: t?.name ?? null, dtype: t?.dtype ?? null, rowsUsed: t?.rowsUsed ?? 0, stride: t?.stride ?? 0, bytes: t ? 4 * Math.ceil((t.rowsUsed * t.dim * 4) / 3) : 0, problem: l.problem } : null,
    };
    return d;
  }

  private async export(p: RequestMessage<'export'>['params']): Promise<{ saved: boolean }> {
    const base = this.followed?.uri ?? this.binary;
    const folder = base ? vscode.Uri.joinPath(base, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, p.fileName) : undefined,
      filters: p.kind === 'png' ? { 'PNG image': ['png'] } : { CSV: ['csv'] },
    });
    if (!target) return { saved: false };
    const bytes = p.kind === 'png' ? Buffer.from(p.data, 'base64') : Buffer.from(p.data, 'utf8');
    await vscode.workspace.fs.writeFile(target, bytes);
    this.log.info(`panel: exported ${target.fsPath}`);
    return { saved: true };
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

/** Registers the side panel's view provider; the caller pushes the returned disposables. */
export function registerPanel(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, docs: ConfigDocuments): vscode.Disposable[] {
  const provider = new PanelProvider(context.extensionUri, log, docs);
  return [
    provider,
    vscode.window.registerWebviewViewProvider(PANEL_VIEW_ID, provider),
    // Not in the palette: lets tests and bug reports see what the panel last showed without its pixels.
    vscode.commands.registerCommand('positionEncodingLens.panel.inspect', () => provider.lastShown),
  ];
}
