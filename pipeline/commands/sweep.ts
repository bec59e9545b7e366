import { join } from 'node:path';
import { sha256Text } from '../cache/key.ts';
import { UserInputError } from '../errors.ts';
import { PlainReporter } from '../report/terminal/plain.ts';
import { compareRow, compareTable, type CompareRow } from './compare.ts';
import { defaultOutDir, runPipeline, type RunFlags } from './run.ts';

/** --vary key=a,b,c ... -> every combination, as --set lists. */
export function variantMatrix(vary: string[]): string[][] {
  const axes = vary.map((v) => {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UserInputError(`--vary ${v}: expected key.path=value1,value2`);
    return v.slice(eq + 1).split(',').map((val) => `${v.slice(0, eq)}=${val}`);
  });
  return axes.reduce<string[][]>((acc, axis) => acc.flatMap((sets) => axis.map((s) => [...sets, s])), [[]]);
}

/** Readable, unique folder names: `calibration_type=kl,per_channel=false`; where two variants would read the same
 *  (values that differ only in characters a folder name cannot hold), a short hash of the exact settings follows. */
export function variantNames(variants: string[][]): string[] {
  const readable = variants.map((sets) => sets.map((s) => {
    const eq = s.indexOf('=');
    return `${s.slice(0, eq).split('.').pop()}=${s.slice(eq + 1).replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || '_'}`;
  }).join(',').replace(/^\.+/, '_'));
  const seen = new Map<string, number>();
  for (const n of readable) seen.set(n, (seen.get(n) ?? 0) + 1);
  return readable.map((n, i) => (seen.get(n)! > 1 ? `${n}-${sha256Text(variants[i].join('\n')).slice(0, 8)}` : n));
}

/** `zooforge sweep <recipe> --vary K=a,b [--vary ...] [--jobs N]`: variants share the stage cache, so the
 *  stages upstream of what varies run once. Ends with the compare table sorted by quantized Top-1. */
export async function sweepCommand(f: RunFlags, vary: string[], jobs: number): Promise<number> {
  if (vary.length === 0) throw new UserInputError('sweep: give at least one --vary key=value1,value2');
  if (!Number.isInteger(jobs) || jobs < 1) throw new UserInputError('sweep: --jobs takes a whole number >= 1');
  const variants = variantMatrix(vary);
  const root = join(f.out ?? defaultOutDir(f.recipe), 'sweep');
  const log = (line: string): void => { process.stderr.write(`${line}\n`); };
  const named = variantNames(variants);
  const names = new Map(variants.map((v, i) => [v, named[i]]));
  const runOne = async (sets: string[]): Promise<{ name: string; code: number; cached: string[] }> => {
    const name = names.get(sets)!;
    const r = await runPipeline({ ...f, set: [...f.set, ...sets], out: join(root, name), json: false },
      new PlainReporter((l) => { if (/^(passed|failed|cached)/.test(l)) log(`[${name}] ${l}`); }));
    return { name, code: r.code, cached: r.manifest.stages.filter((s) => s.status === 'cached').map((s) => s.id) };
  };
  // The first variant runs alone so the shared upstream stages are computed once, then cached for the rest.
  const results = [await runOne(variants[0])];
  const queue = variants.slice(1);
  await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, async () => {
    for (let sets = queue.shift(); sets; sets = queue.shift()) results.push(await runOne(sets));
  }));
  const rows: CompareRow[] = results.filter((r) => r.code === 0).map((r) => compareRow(join(root, r.name)))
    .sort((a, b) => (b.quant_top1 ?? -1) - (a.quant_top1 ?? -1));
  for (const r of results) log(`[${r.name}] ${r.code === 0 ? 'ok' : `failed (exit ${r.code})`}; cached: ${r.cached.join(', ') || 'none'}`);
  process.stdout.write(f.json ? `${JSON.stringify({ rows })}\n` : `${compareTable(rows)}\n`);
  return results.every((r) => r.code === 0) ? 0 : 1;
}
