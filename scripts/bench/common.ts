import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { PROJECT_ROOT } from '../../pipeline/paths.ts';

export const BENCH_DIR = join(PROJECT_ROOT, '.zooforge', 'bench');

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The ResNeXt50_32x4d model (random, non-degenerate weights) through export + simplify, reused when cached. */
export async function resnext50(extraSet: string[] = [], until = 'simplify'): Promise<string> {
  const out = join(BENCH_DIR, 'resnext50');
  await execa(
    'node',
    [
      join(PROJECT_ROOT, 'bin', 'zooforge.js'),
      'run',
      'yaml/resnext50_32x4d.yaml',
      '--until',
      until,
      '--set',
      'model.pretrained=false',
      ...extraSet.flatMap((s) => ['--set', s]),
      '--out',
      out,
      '--plain',
    ],
    { cwd: PROJECT_ROOT, stdio: 'inherit' },
  );
  const model = join(out, 'simplify', 'model.onnx');
  if (!existsSync(model)) throw new Error(`no model at ${model}`);
  return out;
}

/** The last line of every benchmark: `<metric>: <ours> vs <baseline name> <theirs> (ratio <r>x)`. */
export function headline(metric: string, ours: string, baseline: string, theirs: string, ratio: number): void {
  console.log(`${metric}: ${ours} vs ${baseline} ${theirs} (ratio ${ratio.toFixed(1)}x)`);
}
