// Hovers on position keys (content in hoverContent.ts), memoized per document version so a repeated hover
// costs a map lookup.
import * as vscode from 'vscode';
import { CONFIG_SELECTOR, type ConfigDocuments } from './documents';
import { hoverAt } from './hoverContent';

export class PositionHoverProvider implements vscode.HoverProvider {
  constructor(private readonly docs: ConfigDocuments, private readonly log: vscode.LogOutputChannel) {}

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | null {
    const entry = this.docs.get(doc);
    if (!entry) return null;
    const t0 = Date.now();
    const h = hoverAt(entry.analysis, doc.offsetAt(pos), (id, make) => this.docs.memo(entry, id, make));
    if (!h) return null;
    this.log.trace(`hover ${h.node.path.join('.')} in ${Date.now() - t0} ms`);
    const ms = new vscode.MarkdownString(h.markdown);
    // Only our own report command may run from a hover link.
    ms.isTrusted = { enabledCommands: ['pelens.analyze'] };
    ms.appendMarkdown(`\n\n[Full report](command:pelens.analyze?${encodeURIComponent(JSON.stringify([doc.uri.toString()]))})`);
    const rng = h.onKey ? h.node.keyRange : h.node.range;
    return new vscode.Hover(ms, rng ? new vscode.Range(rng.start.line, rng.start.character, rng.end.line, rng.end.character) : undefined);
  }
}

export function registerHover(docs: ConfigDocuments, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.languages.registerHoverProvider(CONFIG_SELECTOR, new PositionHoverProvider(docs, log));
}
