// The panel's Content-Security-Policy and nonce, kept free of `vscode` so unit tests and the browser test
// use exactly what the extension serves.
import { randomBytes } from 'node:crypto';

/** 128 bits from the OS CSPRNG (never Math.random: a guessable nonce lets injected markup run). */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * Nothing by default; scripts only with the nonce or from the webview's own resource origin;
 * 'wasm-unsafe-eval' lets onnxruntime compile its WebAssembly (it does not allow JS eval);
 * connect-src for ORT's fetch of the .wasm from the extension's own files. style-src carries the nonce
 * only for the toolkit (FAST) probing `:focus-visible` with a momentary <style> element; it reads the
 * nonce from <meta property="csp-nonce">. No 'unsafe-inline' anywhere.
 */
export function buildCsp(cspSource: string, nonce: string): string {
  if (!/^[A-Za-z0-9+/=]{16,}$/.test(nonce)) throw new Error('nonce must be base64 of at least 96 bits');
  // VS Code gives one origin (desktop) or a list such as `'self' https://*.vscode-cdn.net` (code-server, web):
  // accept 'self' and scheme://host sources, nothing that could widen the policy ('unsafe-*', *, ;).
  const sources = cspSource.trim().split(/\s+/);
  const ok = (t: string): boolean => t === "'self'" || /^[a-z][a-z0-9+.-]*:\/\/[^\s;'",*]*(\*\.)?[^\s;'",*]+$/i.test(t);
  if (!cspSource.trim() || !sources.every(ok)) throw new Error(`suspicious cspSource ${JSON.stringify(cspSource)}`);
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' ${cspSource} 'wasm-unsafe-eval'`,
    `style-src 'nonce-${nonce}' ${cspSource}`,
    `img-src ${cspSource} data:`,
    `connect-src ${cspSource}`,
    `font-src ${cspSource}`,
  ].join('; ');
}
