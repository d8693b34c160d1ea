// Rewriting a config without losing a byte. The bytes read are kept; the file is replaced only if it still
// holds exactly them (an editor, a download or a `git checkout` may have changed it while pelens worked);
// the new bytes go to a temporary file beside it that is renamed over it, so a crash or a full disk leaves
// the old file or the new one, never half of one. A UTF-8 BOM that was read is written back, and a file
// that is not UTF-8 is refused (decoding it replaced bytes that could not be written back).
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, openSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { decodeUtf8 } from '../core/formats/byteSource';
import { CliError } from './load';

/** The file is no longer what was read: nothing was written (exit code 3). */
export class FileChangedError extends CliError {}

export interface FileSnapshot {
  /** The path as given. */
  file: string;
  /** Where the bytes live: a symlinked config (the Hugging Face cache) is edited through its link. */
  real: string;
  bytes: Buffer;
  mode: number;
  mtimeMs: number;
  /** The text, without the BOM. */
  text: string;
  bom: boolean;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code ?? (e instanceof Error ? e.message : String(e));
}

export function readSnapshot(file: string): FileSnapshot {
  let real: string;
  let bytes: Buffer;
  let st;
  try {
    real = realpathSync(file);
    st = statSync(real);
    bytes = readFileSync(real);
  } catch (e) {
    throw new CliError(`${file}: cannot read (${reason(e)})`);
  }
  const { text, valid } = decodeUtf8(bytes);
  if (!valid) throw new CliError(`${file}: not valid UTF-8; rewriting it would replace the undecodable bytes, so nothing was written`);
  const bom = bytes.subarray(0, 3).equals(BOM);
  return { file, real, bytes, mode: st.mode & 0o7777, mtimeMs: st.mtimeMs, text, bom };
}

/** The path a write to `out` lands on (through a symlink when `out` is one). */
function landingPath(out: string): string {
  try {
    return realpathSync(out);
  } catch {
    return resolve(out);
  }
}

/** Throws FileChangedError unless the file still holds the snapshot's bytes. */
export function assertUnchanged(snap: FileSnapshot): void {
  let now: Buffer;
  try {
    now = readFileSync(snap.real);
  } catch (e) {
    throw new FileChangedError(`${snap.file}: became unreadable while pelens worked (${reason(e)}); nothing was written`);
  }
  // The bytes decide, not the mtime: a touch that leaves the content alone loses nothing, and an edit
  // within the mtime's granularity would go unseen by it.
  if (!now.equals(snap.bytes)) {
    throw new FileChangedError(`${snap.file}: changed on disk since pelens read it (${snap.bytes.length} → ${now.length} bytes); nothing was written — run the command again on the new content`);
  }
}

/** Writes `bytes` to `target` via a temporary file in the same folder and a rename. */
export function writeAtomic(target: string, bytes: Uint8Array, mode: number | null): void {
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.pelens-tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', 0o666);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // A folder that takes no new files (but a writable config in it) still allows the plain write.
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return writeInPlace(target, bytes);
    throw new CliError(`${target}: cannot write (${reason(e)})`);
  }
  try {
    try {
      writeFileSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (mode !== null) chmodSync(tmp, mode);
    renameSync(tmp, target);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw new CliError(`${target}: cannot write (${reason(e)}); the file is unchanged`);
  }
}

function writeInPlace(target: string, bytes: Uint8Array): void {
  try {
    writeFileSync(target, bytes);
  } catch (e) {
    throw new CliError(`${target}: cannot write (${reason(e)})`);
  }
}

/**
 * Writes `text` (with the snapshot's BOM) to `out`. When `out` is the snapshot's own file it must still
 * hold the bytes read, and keeps its permissions. Returns the path written.
 */
export function commitEdit(snap: FileSnapshot, out: string, text: string): string {
  const bytes = Buffer.concat([snap.bom ? BOM : Buffer.alloc(0), Buffer.from(text, 'utf8')]);
  const target = landingPath(out);
  if (target === snap.real) {
    assertUnchanged(snap);
    writeAtomic(target, bytes, snap.mode);
    return target;
  }
  let mode: number | null = null;
  try {
    mode = statSync(target).mode & 0o7777;
  } catch {
    // a new file: the default permissions
  }
  writeAtomic(target, bytes, mode);
  return target;
}
