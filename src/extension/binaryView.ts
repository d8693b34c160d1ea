// A read-only view of GGUF and safetensors files: the position facts, verdict and findings of their header,
// read with bounded positional reads (a 10 GB model costs a few small reads), never the tensors.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { analyzeSource, fileKindOf, type FileAnalysis } from '../core/analyzeFile';
import { MemoryByteSource } from '../core/formats/byteSource';
import { withFileSource } from '../cli/nodeByteSource';
import { analysisReport } from './markdown';

export const BINARY_VIEW = 'positionEncodingLens.binaryView';

/** Remote or virtual files are read whole through workspace.fs, so only up to this size. */
const MAX_VIRTUAL_BYTES = 256 * 1024 * 1024;

async function analyzeUri(uri: vscode.Uri): Promise<FileAnalysis> {
  const kind = fileKindOf(uri.path);
  if (kind !== 'gguf' && kind !== 'safetensors') throw new Error(`not a GGUF or safetensors file: ${uri.path}`);
  if (uri.scheme === 'file') return withFileSource(uri.fsPath, (src) => analyzeSource(kind, src));
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.size > MAX_VIRTUAL_BYTES) throw new Error(`${Math.round(stat.size / 1048576)} MB is too large to read from a virtual file system; open a local copy`);
  return analyzeSource(kind, new MemoryByteSource(await vscode.workspace.fs.readFile(uri)));
}

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page: rendered Markdown, no scripts at all, images only as data: URIs (the charts). */
export function binaryViewHtml(body: string, nonce: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'nonce-${nonce}';">
<style nonce="${nonce}">body{font-family:var(--vscode-font-family);color:var(--vscode-foreground);padding:0 1.5em;max-width:60em}
table{border-collapse:collapse}td,th{padding:2px 10px;border-bottom:1px solid var(--vscode-editorWidget-border)}
code{font-family:var(--vscode-editor-font-family)}blockquote{margin:0;padding-left:1em;border-left:3px solid var(--vscode-textBlockQuote-border)}</style>
</head><body>${body}</body></html>`;
}

export class BinaryConfigView implements vscode.CustomReadonlyEditorProvider {
  constructor(private readonly log: vscode.LogOutputChannel) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(doc: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.options = { enableScripts: false, localResourceRoots: [] };
    const name = doc.uri.path.slice(doc.uri.path.lastIndexOf('/') + 1);
    const nonce = randomBytes(16).toString('base64');
    let body: string;
    try {
      const t0 = Date.now();
      const a = await analyzeUri(doc.uri);
      this.log.info(`read ${name} header in ${Date.now() - t0} ms: ${a.encodings.length} encoding(s), ${a.findings.length} file finding(s)`);
      const md = analysisReport(name, a);
      // VS Code's own Markdown renderer (built in), so the view matches the report previews.
      const html = await vscode.commands.executeCommand<string>('markdown.api.render', md).then((h) => h, () => undefined);
      body = html ?? `<pre>${escape(md)}</pre>`;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.log.error(`${name}: ${message}`);
      body = `<h1>${escape(name)}</h1><p>Could not read this file: ${escape(message)}</p>`;
    }
    panel.webview.html = binaryViewHtml(body, nonce);
  }
}

export function registerBinaryView(log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.window.registerCustomEditorProvider(BINARY_VIEW, new BinaryConfigView(log), { supportsMultipleEditorsPerDocument: true });
}
