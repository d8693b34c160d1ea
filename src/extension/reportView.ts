// Read-only virtual Markdown documents for reports, opened in the Markdown preview. Virtual documents need
// no file, never ask to be saved, and work in untrusted and virtual workspaces.
import * as vscode from 'vscode';

export const REPORT_SCHEME = 'pelens-report';

/** Reports whose text outlives their closed document, so an open preview can still re-render them. */
const KEPT_REPORTS = 20;

export class ReportView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly disposables: vscode.Disposable[] = [];
  private counter = 0;

  constructor(private readonly log?: vscode.LogOutputChannel) {
    this.disposables.push(vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, this));
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '_This report is no longer available; run the command again._';
  }

  /** Stores the Markdown under a fresh URI and opens it in the rendered preview (as text if that fails). */
  async show(title: string, markdown: string): Promise<vscode.Uri> {
    // A counter, not a random nonce, keeps each report's URI distinct (two reports of one file coexist).
    const safe = title.replace(/[^\w.\- ]+/g, '_').slice(0, 80) || 'report';
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${safe}.md`, query: `n=${++this.counter}` });
    this.keep(uri.toString(), markdown);
    const doc = await vscode.workspace.openTextDocument(uri);
    try {
      // Not getCommands(): it lists only registered commands, and the built-in Markdown extension registers
      // this one when it activates. Executing it activates the extension; it throws if there is none.
      await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
    } catch (e) {
      this.log?.warn(`Markdown preview unavailable, showing the report as text: ${e instanceof Error ? e.message : String(e)}`);
      await vscode.window.showTextDocument(doc, { preview: true });
    }
    return uri;
  }

  /**
   * Bounded by count, not by onDidCloseTextDocument: a preview is not a text editor, so VS Code closes the
   * document behind an open preview after a while, and the preview re-reads it on refresh.
   */
  private keep(key: string, markdown: string): void {
    this.contents.set(key, markdown);
    for (const old of this.contents.keys()) {
      if (this.contents.size <= KEPT_REPORTS) break;
      this.contents.delete(old);
    }
  }

  dispose(): void {
    this.contents.clear();
    for (const d of this.disposables) d.dispose();
  }
}
