// The palette commands (category "Position Encoding Lens"). Every argument a command would ask for can be
// passed instead (uri strings, numbers), so tests, keybindings and hover links run them without prompts.
// Each command returns what it produced, for the same callers.
import * as vscode from 'vscode';
import { analyzeText, type Analysis } from '../core/analyze';
import { selectedRuntimes } from './diagnostics';
import { analysisReport, compareReport, extrapolationReport } from './markdown';
import { askLength, CONFIG_FILES, EXCLUDE, resolveConfig, type CommandContext } from './prompts';
import { suggestCommand } from './suggestCommand';

export const PANEL_FOCUS = 'positionEncodingLens.panel.focus';

export interface ReportResult {
  uri: string;
  markdown: string;
}

function analysisOf(ctx: CommandContext, doc: vscode.TextDocument): Analysis {
  ctx.docs.assertAnalysable(doc);
  return ctx.docs.get(doc)?.analysis ?? analyzeText(doc.getText());
}

function claimedLength(a: Analysis): number | null {
  const e = a.encodings.find((x) => x.spec.maxContext !== null) ?? a.encodings[0];
  return e?.spec.maxContext ?? e?.spec.trainedContext ?? null;
}

async function analyze(ctx: CommandContext, arg?: unknown): Promise<ReportResult | undefined> {
  const doc = await resolveConfig(ctx, arg);
  if (!doc) return undefined;
  const name = vscode.workspace.asRelativePath(doc.uri);
  const runtimes = selectedRuntimes();
  const md = analysisReport(name, analysisOf(ctx, doc), { findings: (f) => f.runtime === 'lens' || runtimes.includes(f.runtime) });
  const uri = await ctx.reports.show(`Position encoding ${name}`, md);
  return { uri: uri.toString(), markdown: md };
}

async function checkExtrapolation(ctx: CommandContext, arg?: unknown, target?: unknown): Promise<ReportResult | undefined> {
  const doc = await resolveConfig(ctx, arg);
  if (!doc) return undefined;
  const current = analysisOf(ctx, doc);
  const claimed = claimedLength(current);
  const n = await askLength('Check extrapolation to how many tokens?', target, claimed ? claimed * 2 : null);
  if (n === undefined) return undefined;
  // The cached analysis judges the claimed length; a new target needs its own pass.
  const a = analyzeText(doc.getText(), { target: n });
  const name = vscode.workspace.asRelativePath(doc.uri);
  const md = extrapolationReport(name, n, a);
  const uri = await ctx.reports.show(`Extrapolation ${name} ${n}`, md);
  return { uri: uri.toString(), markdown: md };
}

async function showPanel(ctx: CommandContext, arg?: unknown): Promise<string | undefined> {
  const commands = await vscode.commands.getCommands(true);
  if (commands.includes(PANEL_FOCUS)) {
    await vscode.commands.executeCommand(PANEL_FOCUS);
    return 'panel';
  }
  // No panel in this build (or the view is not contributed): the Markdown report shows the same charts.
  const r = await analyze(ctx, arg);
  return r ? 'report' : undefined;
}

async function pickTwo(): Promise<vscode.Uri[] | undefined> {
  const files = await vscode.workspace.findFiles(CONFIG_FILES, EXCLUDE, 500);
  const browse = { label: '$(folder-opened) Browse…', uri: undefined as vscode.Uri | undefined };
  const picks = await vscode.window.showQuickPick(
    [...files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri: uri as vscode.Uri | undefined })), browse],
    { canPickMany: true, placeHolder: 'Pick two configs to compare' },
  );
  if (!picks) return undefined;
  if (picks.includes(browse) || picks.length !== 2) {
    const chosen = await vscode.window.showOpenDialog({ canSelectMany: true, filters: { JSON: ['json', 'jsonc'] }, openLabel: 'Compare' });
    return chosen;
  }
  return picks.map((p) => p.uri!);
}

async function compare(ctx: CommandContext, a?: unknown, b?: unknown): Promise<ReportResult | undefined> {
  const toUri = (x: unknown): vscode.Uri | undefined => (typeof x === 'string' ? vscode.Uri.parse(x) : x instanceof vscode.Uri ? x : undefined);
  let uris = [toUri(a), toUri(b)].filter((u): u is vscode.Uri => !!u);
  if (uris.length !== 2) uris = (await pickTwo()) ?? [];
  if (uris.length !== 2) {
    if (uris.length) void vscode.window.showWarningMessage('Position Encoding Lens: pick exactly two configs to compare.');
    return undefined;
  }
  // workspace.fs reads files that are not open (and works in virtual workspaces).
  const [ta, tb] = await Promise.all(uris.map(async (u) => new TextDecoder().decode(await vscode.workspace.fs.readFile(u))));
  const [na, nb] = uris.map((u) => vscode.workspace.asRelativePath(u)) as [string, string];
  ctx.docs.assertWithinLimit(na, ta!.length);
  ctx.docs.assertWithinLimit(nb, tb!.length);
  const md = compareReport(na, analyzeText(ta!), nb, analyzeText(tb!));
  const uri = await ctx.reports.show(`Compare ${na} ${nb}`, md);
  return { uri: uri.toString(), markdown: md };
}

/** Runs a command body; failures are logged and shown with a "Show Log" button, never thrown at the user. */
function guarded<A extends unknown[], R>(ctx: CommandContext, id: string, body: (...args: A) => Promise<R>): (...args: A) => Promise<R | undefined> {
  return async (...args: A) => {
    try {
      return await body(...args);
    } catch (e) {
      ctx.log.error(`${id} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      // Not awaited: the command finishes now; the notification waits for the user on its own.
      void vscode.window.showErrorMessage(`Position Encoding Lens: ${e instanceof Error ? e.message : String(e)}`, 'Show Log').then((choice) => {
        if (choice === 'Show Log') ctx.log.show();
      });
      return undefined;
    }
  };
}

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const table: Record<string, (...args: never[]) => Promise<unknown>> = {
    'pelens.analyze': (uri?: unknown) => analyze(ctx, uri),
    'pelens.checkExtrapolation': (uri?: unknown, target?: unknown) => checkExtrapolation(ctx, uri, target),
    'pelens.suggest': (uri?: unknown, target?: unknown, method?: unknown, index?: unknown, version?: unknown) => suggestCommand(ctx, uri, target, method, index, version),
    'pelens.showPanel': (uri?: unknown) => showPanel(ctx, uri),
    'pelens.compare': (a?: unknown, b?: unknown) => compare(ctx, a, b),
  };
  return Object.entries(table).map(([id, fn]) => vscode.commands.registerCommand(id, guarded(ctx, id, fn as (...args: unknown[]) => Promise<unknown>)));
}
