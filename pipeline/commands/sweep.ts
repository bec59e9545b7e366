import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { batchExitCode, runBatch } from '../batch/run.ts';
import type { BatchTask } from '../batch/task.ts';
import { sha256Text } from '../cache/key.ts';
import { UserInputError } from '../errors.ts';
import { type CompareRow, compareRow, compareRows, compareTable } from './compare.ts';
import { defaultOutDir, type RunFlags } from './run.ts';

/** --vary key=a,b,c ... -> every combination, as --set lists. */
export function variantMatrix(vary: string[]): string[][] {
  const axes = vary.map((v) => {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UserInputError(`--vary ${v}: expected key.path=value1,value2`);
    return v
      .slice(eq + 1)
      .split(',')
      .map((val) => `${v.slice(0, eq)}=${val}`);
  });
  return axes.reduce<string[][]>((acc, axis) => acc.flatMap((sets) => axis.map((s) => [...sets, s])), [[]]);
}

/** Readable, unique folder names: `calibration_type=kl,per_channel=false`; where two variants would read the same
 *  (values that differ only in characters a folder name cannot hold), a short hash of the exact settings follows. */
export function variantNames(variants: string[][]): string[] {
  const readable = variants.map((sets) =>
    sets
      .map((s) => {
        const eq = s.indexOf('=');
        return `${s.slice(0, eq).split('.').pop()}=${
          s
            .slice(eq + 1)
            .replace(/[^\w.-]+/g, '_')
            .replace(/^_+|_+$/g, '') || '_'
        }`;
      })
      .join(',')
      .replace(/^\.+/, '_'),
  );
  const seen = new Map<string, number>();
  for (const n of readable) seen.set(n, (seen.get(n) ?? 0) + 1);
  return readable.map((n, i) =>
    (seen.get(n) ?? 0) > 1 ? `${n}-${sha256Text(variants[i].join('\n')).slice(0, 8)}` : n,
  );
}

/** `zooforge sweep <recipe> --vary K=a,b [--vary ...] [--jobs N | --ray [ADDRESS]]`: variants share the stage cache,
 *  so the stages upstream of what varies run once (whichever variant gets there first; the others wait for the
 *  entry). Ends with the compare table sorted by quantized Top-1. */
export async function sweepCommand(f: RunFlags, vary: string[], jobs: number, ray?: string): Promise<number> {
  if (vary.length === 0) throw new UserInputError('sweep: give at least one --vary key=value1,value2');
  const variants = variantMatrix(vary);
  const root = join(f.out ?? defaultOutDir(f.recipe), 'sweep');
  const named = variantNames(variants);
  const tasks: BatchTask[] = variants.map((sets, i) => ({
    name: named[i],
    recipe: f.recipe,
    set: sets,
    out: join(root, named[i]),
  }));
  const outcomes = await runBatch(tasks, f, { command: 'sweep', jobs, ray, root });
  // a sweep stopped early (--until) has no reports: its table is empty, the lines above say how each variant ended
  const rows: CompareRow[] = compareRows(
    outcomes
      .filter((r) => r.status === 'passed' && existsSync(join(r.out, 'report', 'report.json')))
      .map((r) => compareRow(r.out)),
  );
  for (const r of outcomes) {
    process.stderr.write(
      `[${r.name}] ${r.status}${r.error ? ` (${r.error.split('\n')[0]})` : ''}${r.attempts > 1 ? `, ${r.attempts} attempts` : ''}; cached: ${r.cached.join(', ') || 'none'}\n`,
    );
  }
  process.stdout.write(f.json ? `${JSON.stringify({ rows, tasks: outcomes })}\n` : `${compareTable(rows)}\n`);
  return batchExitCode(outcomes);
}
