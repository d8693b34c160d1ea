// src/core must stay pure TypeScript (no vscode, no Node APIs, no DOM) so the host, CLI and webview share it.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';

const CORE = join(__dirname, '..', '..', 'src', 'core');
const FORBIDDEN_IMPORT = /from\s+['"](vscode|node:[\w/]+|fs|path|os|child_process|crypto|buffer|url|util|stream|http|https|net)['"]|require\(/;
const FORBIDDEN_GLOBAL = /\b(process\.|Buffer\.|window\.|document\.|navigator\.|__dirname|acquireVsCodeApi)/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : n.endsWith('.ts') ? [join(dir, n)] : []));
}

it('src/core imports no vscode, Node or DOM APIs', () => {
  const bad: string[] = [];
  const all = files(CORE);
  assert.ok(all.length > 10);
  for (const f of all) {
    readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      if (/^\s*(\/\*|\*)/.test(line)) return; // doc comments may mention anything
      const code = line.replace(/\/\/.*$/, '');
      if (FORBIDDEN_IMPORT.test(code) || FORBIDDEN_GLOBAL.test(code)) bad.push(`${f}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(bad, []);
});
