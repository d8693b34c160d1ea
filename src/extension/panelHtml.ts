// The panel's HTML shell: one stylesheet, one nonce'd module script, no inline code or styles. Free of
// `vscode` (the provider passes webview URIs as strings) so the browser test serves the same page.
import { buildCsp } from './csp';

export interface PanelHtmlOptions {
  /** webview.cspSource (the origin webview resources are served from). */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  /** Base URI of media/ort/ (ORT's .mjs glue and .wasm). */
  ortBase: string;
}

const escapeAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function panelHtml(o: PanelHtmlOptions): string {
  const csp = buildCsp(o.cspSource, o.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta property="csp-nonce" content="${escapeAttr(o.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(o.styleUri)}">
<title>Position Encoding Lens</title>
</head>
<body data-ort-base="${escapeAttr(o.ortBase)}">
<main id="app" aria-live="polite"><p class="muted">Loading…</p></main>
<script type="module" nonce="${escapeAttr(o.nonce)}" src="${escapeAttr(o.scriptUri)}"></script>
</body>
</html>`;
}
