// Command-line arguments for `pelens`: a tiny strict parser (unknown flags are usage errors, not ignored).

export class UsageError extends Error {}

export interface CliArgs {
  command: string;
  files: string[];
  json: boolean;
  sarif: boolean;
  seqLen: number | null;
  target: number | null;
  method: string | null;
  output: string | null;
  help: boolean;
}

const VALUE_FLAGS = new Set(['--seq-len', '--target', '--method', '-o', '--output']);
const BOOL_FLAGS = new Set(['--json', '--sarif', '--help', '-h']);

export function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { command: '', files: [], json: false, sarif: false, seqLen: null, target: null, method: null, output: null, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (BOOL_FLAGS.has(flag)) {
      if (flag === '--json') args.json = true;
      else if (flag === '--sarif') args.sarif = true;
      else args.help = true;
    } else if (VALUE_FLAGS.has(flag)) {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      if (flag === '--seq-len') args.seqLen = positiveInt(flag, v);
      else if (flag === '--target') args.target = positiveInt(flag, v);
      else if (flag === '--method') args.method = v;
      else args.output = v;
    } else if (a.startsWith('-') && a !== '-') {
      throw new UsageError(`unknown option ${a}`);
    } else if (!args.command) args.command = a;
    else args.files.push(a);
  }
  if (args.json && args.sarif) throw new UsageError('choose one of --json and --sarif');
  return args;
}

/** Accepts 4096, 4_096, 32k, 128K, 1M (k = 1024, as context lengths are quoted). */
export function positiveInt(flag: string, v: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(v.replace(/_/g, ''));
  const n = m ? Number(m[1]) * (m[2] === '' ? 1 : /k/i.test(m[2]!) ? 1024 : 1024 * 1024) : NaN;
  if (!Number.isFinite(n) || n <= 0 || !Number.isInteger(n) || n > 2 ** 40) throw new UsageError(`${flag} must be a positive whole number of tokens (e.g. 4096, 32k), got "${v}"`);
  return n;
}

export const USAGE = `pelens — check and explain the position encoding of model configs

Usage:
  pelens analyze <file> [--json] [--seq-len N] [--target N]
  pelens check <file|dir>... [--target N] [--json|--sarif]
  pelens suggest <file> --target N [--method linear|dynamic|ntk|yarn|llama3|longrope] [--json]
  pelens apply <file> --target N --method M [-o out]

Files: config.json (comments and trailing commas allowed), training YAML (axolotl, LLaMA-Factory),
.gguf (header metadata only) and .safetensors (learned position tables).
Lengths accept 32768, 32k or 1M (k = 1024).
Exit codes: 0 done; 1 check found error-level findings; 2 usage error or unreadable input;
3 apply found the file changed on disk while it worked (nothing written).`;
