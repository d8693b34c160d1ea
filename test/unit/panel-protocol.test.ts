// The host validates every webview message before acting on it: malformed ones are rejected with a reason.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWebviewMessage } from '../../src/protocol';

const analyze = { target: 131072, methods: ['current', 'yarn'], layer: null, seqLen: null };

describe('parseWebviewMessage', () => {
  it('accepts the handshake, valid requests, render reports and logs', () => {
    for (const m of [
      { type: 'ready' },
      { type: 'request', id: 1, method: 'analyze', params: analyze },
      { type: 'request', id: 3, method: 'analyze', params: { ...analyze, haveLearned: 'model.safetensors|wpe.weight|1024|1|12.5' } },
      { type: 'request', id: 2, method: 'export', params: { fileName: 'score.csv', kind: 'csv', data: 'a,b\n' } },
      { type: 'rendered', backend: 'wasm', ms: 12, computeMs: 3, fallbackReason: null, phases: { request: 4, score: 6 } },
      { type: 'log', level: 'warn', message: 'x' },
    ]) assert.equal(parseWebviewMessage(m).ok, true, JSON.stringify(m));
  });

  it('rejects malformed messages', () => {
    const bad: unknown[] = [
      null, 42, 'ready', [], {}, { type: 'nope' },
      { type: 'request', id: -1, method: 'analyze', params: analyze },
      { type: 'request', id: 1.5, method: 'analyze', params: analyze },
      { type: 'request', id: 1, method: 'eval', params: {} },
      { type: 'request', id: 1, method: 'analyze' },
      { type: 'request', id: 1, method: 'analyze', params: { ...analyze, target: -5 } },
      { type: 'request', id: 1, method: 'analyze', params: { ...analyze, target: 1e300 } },
      { type: 'request', id: 1, method: 'analyze', params: { ...analyze, methods: ['rm -rf'] } },
      { type: 'request', id: 1, method: 'analyze', params: { ...analyze, layer: 3 } },
      { type: 'request', id: 1, method: 'analyze', params: { ...analyze, haveLearned: 42 } },
      { type: 'request', id: 1, method: 'analyze', params: { ...analyze, haveLearned: 'x'.repeat(1001) } },
      { type: 'request', id: 1, method: 'export', params: { fileName: '../../.bashrc', kind: 'csv', data: '' } },
      { type: 'request', id: 1, method: 'export', params: { fileName: 'a.exe', kind: 'exe', data: '' } },
      { type: 'rendered', backend: 'wasm', ms: '12', computeMs: 3, fallbackReason: null, phases: {} },
      { type: 'rendered', backend: 'wasm', ms: 12, computeMs: 3, fallbackReason: null },
      { type: 'rendered', backend: 'wasm', ms: 12, computeMs: 3, fallbackReason: null, phases: { score: 'fast' } },
      { type: 'rendered', backend: 'wasm', ms: 12, computeMs: 3, fallbackReason: null, phases: { '<img src=x>': 1 } },
      { type: 'log', level: 'debug', message: 'x' },
    ];
    for (const m of bad) {
      const r = parseWebviewMessage(m);
      assert.equal(r.ok, false, JSON.stringify(m));
      if (!r.ok) assert.ok(r.error.length > 0);
    }
  });
});
