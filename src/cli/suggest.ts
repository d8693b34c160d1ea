// `pelens suggest` (what each method would write and how it ranks) and `pelens apply` (write it).
import { isMethod, METHODS } from '../core/suggest/plan';
import { suggest, type Suggestion } from '../core/suggest/suggest';
import { fmtInt } from '../core/report/text';
import { UsageError, type CliArgs } from './args';
import { FileChangedError, readSnapshot } from './fileEdit';
import { loadConfig } from './load';
import type { Io } from './main';

function methodArg(args: CliArgs): (typeof METHODS)[number] | undefined {
  if (args.method === null) return undefined;
  if (!isMethod(args.method)) throw new UsageError(`--method must be one of ${METHODS.join(', ')}, got "${args.method}"`);
  return args.method;
}

export async function runSuggest(args: CliArgs, io: Io): Promise<number> {
  if (args.files.length !== 1) throw new UsageError('suggest takes exactly one file');
  if (args.target === null) throw new UsageError('suggest needs --target N');
  const file = args.files[0]!;
  const text = await jsonText(file);
  const list = suggest(text, args.target, methodArg(args));
  if (args.json) {
    io.out(JSON.stringify({ file, target: args.target, suggestions: list.map(({ newText: _omit, ...s }) => s) }, null, 2));
    return 0;
  }
  io.out(`Extending ${file} to ${fmtInt(args.target)} tokens — best first:`);
  list.forEach((s, i) => io.out(suggestionText(s, i + 1)));
  return 0;
}

export function suggestionText(s: Suggestion, rank: number): string {
  if (!s.applicable || !s.plan) return `\n${rank}. ${s.method}: not applicable — ${s.reason}`;
  const p = s.plan;
  const m = s.metrics;
  const lines = [
    `\n${rank}. ${s.method} (factor ${Number(p.factor.toPrecision(6))}, from ${fmtInt(p.trained)} trained tokens)`,
    `   ${p.blockPath.join('.')}: ${s.blockText}`,
    `   ${p.maxKey}: ${p.maxPositionEmbeddings}`,
    `   vLLM:      ${s.vllm}`,
    `   llama.cpp: ${s.llamaCpp}`,
    `   fine-tuning: ${s.fineTuning}`,
  ];
  if (m) lines.push(`   metrics: high-frequency distortion ${m.highFreqDistortion.toFixed(3)} octaves, ${(m.pairsChanged * 100).toFixed(0)}% of pairs changed, unseen angles at target ${(m.unseenAngleFraction * 100).toFixed(2)}%`);
  if (s.verified) lines.push(`   after applying: ${s.verified.verdict} at the target, transformers validation ${s.verified.outcome}`);
  return lines.join('\n');
}

export async function runApply(args: CliArgs, io: Io): Promise<number> {
  if (args.files.length !== 1) throw new UsageError('apply takes exactly one file');
  if (args.target === null) throw new UsageError('apply needs --target N');
  const method = methodArg(args);
  if (!method) throw new UsageError(`apply needs --method (${METHODS.join(', ')})`);
  const file = args.files[0]!;
  const checked = await jsonText(file);
  // The bytes the edit is made of, kept to check the file still holds them when it is written.
  const snap = readSnapshot(file);
  if (snap.text !== checked) throw new FileChangedError(`${file}: changed while it was being read; nothing was written — run the command again`);
  const [s] = suggest(snap.text, args.target, method);
  if (!s?.applicable || s.newText === undefined) return io.fail(`pelens: cannot apply ${method}: ${s?.reason ?? 'no suggestion'}`, 2);
  const out = args.output ?? file;
  io.commit(snap, out, s.newText);
  io.out(`${out}: ${method} × ${Number(s.plan!.factor.toPrecision(6))} written (${s.plan!.edits.length} key edit(s)); ${s.verified?.verdict} at ${args.target}, transformers validation ${s.verified?.outcome}.`);
  return 0;
}

async function jsonText(file: string): Promise<string> {
  const { kind, text } = await loadConfig(file);
  if (kind !== 'json' || text === null) throw new UsageError('suggestions are written into config.json files; analyse other formats with `pelens analyze`');
  return text;
}
