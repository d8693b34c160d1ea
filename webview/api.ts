// The only place that calls acquireVsCodeApi (it may be called once per page). Typed requests with
// replies matched by id; a rejected reply rejects the promise, so no caller waits forever.
import type { HostMessage, RequestMap, RequestMethod, WebviewMessage } from '../src/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
let nextId = 1;
const listeners: ((m: HostMessage) => void)[] = [];

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const m = event.data as HostMessage | null;
  if (!m || typeof m !== 'object' || typeof m.type !== 'string') return;
  if (m.type === 'response') {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.reply.ok) p.resolve(m.reply.value);
    else p.reject(new Error(m.reply.error));
    return;
  }
  for (const l of listeners) l(m);
});

export function post(message: WebviewMessage): void {
  vscode.postMessage(message);
}

export function request<M extends RequestMethod>(method: M, params: RequestMap[M]['params']): Promise<RequestMap[M]['result']> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    post({ type: 'request', id, method, params });
  });
}

export function onHostMessage(listener: (m: HostMessage) => void): void {
  listeners.push(listener);
}

export function getState<T>(): T | undefined {
  return (vscode.getState() as T | null) ?? undefined;
}

export function setState<T>(state: T): void {
  vscode.setState(state);
}

/** Logs to the host's output channel (the webview's console is hidden from users). */
export function log(level: 'info' | 'warn' | 'error', message: string): void {
  post({ type: 'log', level, message });
}
