// Types for codeServer.mjs (used from test/e2e/*.ts).
export interface CodeServer {
  host: string;
  port: number;
  pid: number;
  stateDir: string;
  logFile: string;
  url: string;
  exited: Promise<number | string>;
  logTail(lines?: number): string;
  stop(): Promise<void>;
}
export function makeStateDir(prefix?: string): string;
export function ensureStateDirs(dir: string): string;
export function installExtension(stateDir: string, vsix: string): void;
export function writeUserSettings(stateDir: string, settings: Record<string, unknown>): void;
export function startCodeServer(opts?: { testMode?: boolean; workspaceTrust?: boolean; stateDir?: string; keepState?: boolean; echo?: boolean; timeoutMs?: number }): Promise<CodeServer>;
export function remoteUri(host: string, fsPath: string): string;
export function workbenchUrl(server: { host: string }, folder: string, payload?: Array<[string, string]>): string;
