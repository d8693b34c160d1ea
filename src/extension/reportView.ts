// Read-only virtual Markdown documents for reports, opened in the Markdown preview. Virtual documents need
// no file, never ask to be saved, and work in untrusted and virtual workspaces.
import * as vscode from 'vscode';

export const REPORT_SCHEME = 'pelens-report';

export class ReportView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly disposables: vscode.Disposable[] = [];
  private counter = 0;

  constructor() {
    this.disposables.push(
      vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, this),
      // A closed report is gone for good: drop its text.
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme === REPORT_SCHEME) this.contents.delete(d.uri.toString());
      }),
    );
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '_This report is no longer available; run the command again._';
  }

  /** Stores the Markdown under a fresh URI and opens it in the preview (or as text if there is none). */
  async show(title: string, markdown: string): Promise<vscode.Uri> {
    // A counter, not a random nonce, keeps each report's URI distinct (two reports of one file coexist).
    const safe = title.replace(/[^\w.\- ]+/g, '_').slice(0, 80) || 'report';
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${safe}.md`, query: `n=${++this.counter}` });
    this.contents.set(uri.toString(), markdown);
    const doc = await vscode.workspace.openTextDocument(uri);
    const commands = await vscode.commands.getCommands(true);
    if (commands.includes('markdown.showPreview')) await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
    else await vscode.window.showTextDocument(doc, { preview: true });
    return uri;
  }

  dispose(): void {
    this.contents.clear();
    for (const d of this.disposables) d.dispose();
  }
}
