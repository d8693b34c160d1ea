// `pelens apply` never clobbers: a file changed (or removed) between reading and writing is left as the
// other writer left it (exit 3, one line), writes are atomic (no temp file left, none half-written),
// permissions, symlinks and the BOM survive, and a file that is not UTF-8 is refused.
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { assertUnchanged, commitEdit, FileChangedError, readSnapshot, type FileSnapshot } from '../../src/cli/fileEdit';
import { main, type Io } from '../../src/cli/main';

const FIX = join(__dirname, '..', 'fixtures', 'configs');
const tmp = mkdtempSync(join(tmpdir(), 'pelens-clobber-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** A fresh folder holding a copy of a fixture as config.json. */
function fresh(fixture = 'llama_jsonc.json'): { dir: string; file: string; original: Buffer } {
  const dir = join(tmp, String(n++));
  mkdirSync(dir);
  const file = join(dir, 'config.json');
  copyFileSync(join(FIX, fixture), file);
  return { dir, file, original: readFileSync(file) };
}

/** An Io whose commit first lets `meanwhile` act on the file, as another program would. */
function io(log: string[], meanwhile: (snap: FileSnapshot) => void = () => undefined): Io {
  return {
    out: (t) => void log.push(t),
    fail: (m, code) => (log.push(m), code),
    commit: (snap, out, text) => {
      meanwhile(snap);
      return commitEdit(snap, out, text);
    },
  };
}

const APPLY = (file: string, ...more: string[]) => ['apply', file, '--target', '16384', '--method', 'yarn', ...more];
const leftovers = (dir: string): string[] => readdirSync(dir).filter((f) => f.includes('pelens-tmp'));

describe('pelens apply does not clobber', () => {
  it('a file changed on disk after it was read is left as changed: exit 3, one clear line', async () => {
    const { dir, file } = fresh();
    const theirs = Buffer.from('{"max_position_embeddings": 2048, "rope_theta": 10000.0, "note": "edited elsewhere"}\n');
    const log: string[] = [];
    const code = await main(APPLY(file), io(log, () => writeFileSync(file, theirs)));
    assert.equal(code, 3);
    assert.match(log.join('\n'), /^pelens: .*config\.json: changed on disk since pelens read it .*nothing was written/);
    assert.ok(readFileSync(file).equals(theirs), 'the other writer lost its change');
    assert.deepEqual(leftovers(dir), []);
  });

  it('a file removed meanwhile is not recreated', async () => {
    const { file } = fresh();
    const log: string[] = [];
    assert.equal(await main(APPLY(file), io(log, () => rmSync(file))), 3);
    assert.throws(() => statSync(file));
    assert.match(log.join('\n'), /became unreadable/);
  });

  it('a touch that leaves the content alone loses nothing, so the edit goes ahead', async () => {
    const { file, original } = fresh();
    const log: string[] = [];
    const code = await main(APPLY(file), io(log, () => utimesSync(file, new Date(), new Date(Date.now() + 5000))));
    assert.equal(code, 0, log.join('\n'));
    const text = readFileSync(file, 'utf8');
    assert.notEqual(text, original.toString('utf8'));
    assert.match(text, /"rope_type": "yarn"/);
  });

  it('the check is on bytes: a same-size change within the same mtime is caught', () => {
    const { file, original } = fresh();
    const snap = readSnapshot(file);
    const { mtime } = statSync(file);
    const changed = Buffer.from(original.toString('utf8').replace('4096', '4097'));
    assert.equal(changed.length, original.length);
    writeFileSync(file, changed);
    utimesSync(file, mtime, mtime);
    assert.throws(() => assertUnchanged(snap), FileChangedError);
    assert.throws(() => commitEdit(snap, file, '{}'), FileChangedError);
    assert.ok(readFileSync(file).equals(changed));
  });

  it('permissions stay; a symlinked config is edited through its link, which stays a link', async () => {
    const { dir, file } = fresh();
    chmodSync(file, 0o640);
    const link = join(dir, 'linked.json');
    symlinkSync(file, link);
    assert.equal(await main(APPLY(link), io([])), 0);
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.match(readFileSync(file, 'utf8'), /"rope_type": "yarn"/);
    assert.equal(statSync(file).mode & 0o777, 0o640);
    assert.deepEqual(leftovers(dir), []);
  });

  it('-o writes another file (BOM kept) and leaves the input alone', async () => {
    const { dir, file } = fresh();
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(file)]);
    writeFileSync(file, withBom);
    const out = join(dir, 'out.json');
    assert.equal(await main(APPLY(file, '-o', out), io([])), 0);
    assert.ok(readFileSync(file).equals(withBom));
    const written = readFileSync(out);
    assert.deepEqual([...written.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.match(written.toString('utf8'), /"rope_type": "yarn"/);
  });

  it('a failed write leaves no temp file and the target as it was', async () => {
    const { dir, file, original } = fresh();
    const out = join(dir, 'a-folder');
    mkdirSync(out);
    writeFileSync(join(out, 'keep'), 'x');
    const log: string[] = [];
    assert.equal(await main(APPLY(file, '-o', out), io(log)), 2);
    assert.match(log.join('\n'), /cannot write/);
    assert.deepEqual(leftovers(dir), []);
    assert.ok(readFileSync(file).equals(original));
    assert.equal(readFileSync(join(out, 'keep'), 'utf8'), 'x');
  });

  it('a file that is not UTF-8 is refused, not rewritten with replacement characters', async () => {
    const { file, original } = fresh();
    // A Latin-1 "é " inside the comment: one byte that is not UTF-8.
    const at = original.indexOf('A Llama');
    const bad = Buffer.concat([original.subarray(0, at), Buffer.from([0xe9, 0x20]), original.subarray(at)]);
    writeFileSync(file, bad);
    const log: string[] = [];
    assert.equal(await main(APPLY(file), io(log)), 2);
    assert.match(log.join('\n'), /not valid UTF-8/);
    assert.ok(readFileSync(file).equals(bad));
  });
});
