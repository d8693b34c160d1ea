// Extension entry point: wiring only. Each feature lives in src/extension/<feature>.ts.
import * as vscode from 'vscode';
import { registerBinaryView } from './extension/binaryView';
import { registerCodeActions } from './extension/codeActions';
import { registerCommands } from './extension/commands';
import { Diagnostics } from './extension/diagnostics';
import { ConfigDocuments } from './extension/documents';
import { registerHover } from './extension/hover';
import { registerPanel } from './extension/panel';
import { ReportView } from './extension/reportView';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Position Encoding Lens', { log: true });
  context.subscriptions.push(log);
  try {
    const docs = new ConfigDocuments(log);
    const reports = new ReportView(log);
    context.subscriptions.push(
      docs,
      reports,
      registerHover(docs, log),
      new Diagnostics(docs, log),
      registerCodeActions(docs),
      ...registerCommands({ docs, reports, log }),
      registerBinaryView(log),
      ...registerPanel(context, log, docs),
    );
    log.info(`activated (${context.extension.packageJSON?.version ?? '?'})`);
  } catch (e) {
    // Activation failures are shown and logged, with a way to the details.
    const message = e instanceof Error ? e.message : String(e);
    log.error(`activation failed: ${e instanceof Error ? e.stack ?? message : message}`);
    void vscode.window.showErrorMessage(`Position Encoding Lens failed to start: ${message}`, 'Show Log').then((c) => {
      if (c === 'Show Log') log.show();
    });
    throw e;
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
