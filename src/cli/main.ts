// `pelens`: the engine on the command line. Clear one-line errors and exit codes, never a stack trace.
import { commitEdit, FileChangedError, type FileSnapshot } from './fileEdit';
import { CliError, loadConfig } from './load';
import { USAGE, UsageError, parseArgs, type CliArgs } from './args';
import { runCheck } from './check';
import { runSuggest, runApply } from './suggest';
import { analysisToJson } from '../core/report/json';
import { analysisToText } from '../core/report/text';

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) return io.fail(`pelens: ${e.message}\n\n${USAGE}`, 2);
    throw e;
  }
  if (args.help || !args.command) {
    io.out(USAGE);
    return args.help ? 0 : 2;
  }
  try {
    switch (args.command) {
      case 'analyze':
        return await analyze(args, io);
      case 'check':
        return await runCheck(args, io);
      case 'suggest':
        return await runSuggest(args, io);
      case 'apply':
        return await runApply(args, io);
      default:
        return io.fail(`pelens: unknown command "${args.command}"\n\n${USAGE}`, 2);
    }
  } catch (e) {
    if (e instanceof FileChangedError) return io.fail(`pelens: ${e.message}`, 3);
    if (e instanceof CliError || e instanceof UsageError) return io.fail(`pelens: ${e.message}`, 2);
    return io.fail(`pelens: internal error: ${e instanceof Error ? e.message : String(e)} (please report it)`, 2);
  }
}

async function analyze(args: CliArgs, io: Io): Promise<number> {
  if (args.files.length !== 1) throw new UsageError('analyze takes exactly one file');
  const file = args.files[0]!;
  const { analysis } = await loadConfig(file, { seqLen: args.seqLen, target: args.target });
  io.out(args.json ? JSON.stringify(analysisToJson(file, analysis, args.seqLen), null, 2) : analysisToText(file, analysis));
  return 0;
}

export interface Io {
  out(text: string): void;
  fail(message: string, code: number): number;
  /** Writes an edit of the snapshot's file to `out` (refusing if that file changed); returns the path. */
  commit(snapshot: FileSnapshot, out: string, text: string): string;
}

const processIo: Io = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
  fail: (message, code) => {
    process.stderr.write(message + '\n');
    return code;
  },
  commit: commitEdit,
};

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
