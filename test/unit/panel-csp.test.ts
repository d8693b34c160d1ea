// The panel's CSP: no eval, no inline script, a fresh nonce per page, and the HTML uses exactly that nonce.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildCsp, makeNonce } from '../../src/extension/csp';
import { panelHtml } from '../../src/extension/panelHtml';

const SRC = 'https://file+.vscode-resource.vscode-cdn.net';

describe('panel CSP', () => {
  it('allows no eval and no inline script or style', () => {
    const csp = buildCsp(SRC, makeNonce());
    assert.doesNotMatch(csp, /'unsafe-eval'/);
    assert.doesNotMatch(csp, /'unsafe-inline'/);
    assert.match(csp, /^default-src 'none';/);
    const script = csp.split('; ').find((d) => d.startsWith('script-src '))!;
    assert.match(script, /^script-src 'nonce-[A-Za-z0-9+/=]{22,}' \S+ 'wasm-unsafe-eval'$/);
    assert.ok(csp.includes(`connect-src ${SRC}`));
  });

  it('uses a fresh 128-bit nonce every time', () => {
    const nonces = new Set(Array.from({ length: 200 }, () => makeNonce()));
    assert.equal(nonces.size, 200);
    for (const n of nonces) assert.equal(Buffer.from(n, 'base64').length, 16);
  });

  it('rejects a weak nonce or an odd source', () => {
    assert.throws(() => buildCsp(SRC, 'abc'));
    assert.throws(() => buildCsp("x; script-src 'unsafe-inline'", makeNonce()));
  });

  it('puts the nonce on the one script and nowhere inline', () => {
    const nonce = makeNonce();
    const html = panelHtml({ cspSource: SRC, nonce, scriptUri: `${SRC}/main.js`, styleUri: `${SRC}/main.css`, ortBase: `${SRC}/ort/` });
    assert.equal(html.match(/<script\b/g)?.length, 1);
    assert.ok(html.includes(`<script type="module" nonce="${nonce}" src="${SRC}/main.js">`));
    assert.doesNotMatch(html, /<style\b|\sstyle=|\son\w+=/);
    assert.ok(panelHtml({ cspSource: SRC, nonce: makeNonce(), scriptUri: '', styleUri: '', ortBase: '' }) !== html);
  });
});

it('accepts the source lists VS Code hands out, rejects anything that widens the policy', () => {
  const nonce = makeNonce();
  // desktop VS Code and code-server (found when the panel failed to load in code-server)
  for (const src of ['https://file+.vscode-resource.vscode-cdn.net', "'self' https://*.vscode-cdn.net"]) assert.match(buildCsp(src, nonce), /script-src 'nonce-/);
  for (const bad of ["'unsafe-inline'", '*', "https://x; script-src 'unsafe-eval'", '', "'self' 'unsafe-eval'"]) assert.throws(() => buildCsp(bad, nonce));
});
