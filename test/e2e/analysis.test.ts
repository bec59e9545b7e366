import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../pipeline/engine/manifest.ts';
import { zooforge } from '../helpers/cli.ts';
import { fashionRecipeText } from '../helpers/recipes.ts';
import { tmp } from '../helpers/tmp.ts';
import { warmCache } from '../helpers/warm-cache.ts';

/** The Fashion recipe copied into a temp dir (absolute paths), so variants written beside it stay out of the repo. */
function recipeCopy(dir: string): string {
  const file = join(dir, 'fashion.yaml');
  writeFileSync(file, fashionRecipeText());
  return file;
}

// kl clips more than the default's winner (a drop int16 must recover). The subset is a stratified sample; evaluate
// takes the same one (limit + stratified), so the subset measurement and the confirmation see the same images.
const TUNE_SETS = [
  'sensitivity.subset=2000',
  'evaluate.limit=2000',
  'evaluate.sampling=stratified',
  'evaluate.perf_runs=0',
  'quantize.calibration_type=kl',
].flatMap((s) => ['--set', s]);

describe('sweep, sensitivity and tune on the Fashion-MNIST recipe', () => {
  const dir = tmp('zf-analysis-');
  const recipe = recipeCopy(dir);
  const cache = join(dir, 'cache'); // cold: the sweep shows what it computes once
  const warm = warmCache(join(dir, 'cache-warm'));

  it('sweeps 4 variants: upstream stages run once, all variants tabulated, --json ends with {"rows": [...]}', async () => {
    const r = await zooforge([
      'sweep',
      recipe,
      '--vary',
      'quantize.calibration_type=max,kl',
      '--vary',
      'quantize.per_channel=true,false',
      '--jobs',
      '2',
      '--json',
      '--out',
      join(dir, 'sw'),
      '--cache',
      cache,
      '--set',
      'evaluate.perf_runs=0',
      '--set',
      'evaluate.limit=1000',
    ]);
    expect(r.exitCode).toBe(0);
    const { rows } = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      rows: { run: string; quant_top1: number; calibration: string }[];
    };
    expect(rows).toHaveLength(4);
    expect(rows.map((x) => x.quant_top1)).toEqual([...rows.map((x) => x.quant_top1)].sort((a, b) => b - a));
    expect(new Set(rows.map((x) => x.calibration))).toEqual(
      new Set(['max, per_channel', 'max', 'kl, per_channel', 'kl']),
    );
    const manifests = rows.map(
      (x) => JSON.parse(readFileSync(join(dir, 'sw', 'sweep', x.run, 'manifest.json'), 'utf8')) as Manifest,
    );
    const exportRuns = manifests.filter((m) => m.stages.find((s) => s.id === 'export')!.status === 'passed');
    expect(exportRuns).toHaveLength(1); // exported once; the other three are cache hits
    for (const m of manifests)
      expect(['passed', 'cached']).toContain(m.stages.find((s) => s.id === 'calibration')!.status);
    expect(manifests.filter((m) => m.stages.find((s) => s.id === 'quantize')!.status === 'passed')).toHaveLength(4);
  });

  it('ranks nodes by sensitivity, the same way twice', async () => {
    const args = [
      'sensitivity',
      recipe,
      '--json',
      '--out',
      join(dir, 'sens'),
      '--cache',
      warm,
      '--set',
      'sensitivity.subset=500',
    ];
    const first = await zooforge(args);
    expect(first.exitCode).toBe(0);
    const again = await zooforge([...args, '--force', 'sensitivity']);
    expect(again.stdout).toMatch(/"type":"stage-end","id":"sensitivity","status":"passed"/);
    const a = JSON.parse(first.stdout.trim().split('\n').pop()!) as {
      rows: { node: string; single_cosine: number }[];
      measured: number;
      unmeasured: string[];
    };
    const b = JSON.parse(again.stdout.trim().split('\n').pop()!) as typeof a;
    expect(a.measured).toBeGreaterThan(10);
    expect(a.unmeasured).toEqual([]);
    expect(b.rows.map((x) => x.node)).toEqual(a.rows.map((x) => x.node));
    expect(a.rows[0].single_cosine).toBeLessThan(1);
    // the stage itself ran and its ranking file is what the command printed (not merely the word in the recipe)
    const manifest = JSON.parse(readFileSync(join(dir, 'sens', 'manifest.json'), 'utf8')) as Manifest;
    const stage = manifest.stages.find((s) => s.id === 'sensitivity')!;
    expect(stage.status).toBe('passed');
    const ranking = JSON.parse(readFileSync(join(dir, 'sens', stage.outputs.sensitivity.path), 'utf8')) as {
      node: string;
    }[];
    expect(ranking.map((x) => x.node)).toEqual(b.rows.map((x) => x.node));
  });

  it('tune with an achievable budget writes a variant whose measured drop is within it', async () => {
    const r = await zooforge([
      'tune',
      recipe,
      '--max-drop',
      '0.15',
      '--out',
      join(dir, 'tune'),
      '--cache',
      cache,
      ...TUNE_SETS,
    ]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/Budget met on the 2000-image subset with [1-9]\d* of \d+ quantized node\(s\) at int16/); // emulate bpu: int16, as the board would
    expect(r.stdout).toMatch(/^\| 0 \| — \| [\d.]+ \| (0\.(1[6-9]|[2-9]\d)|[1-9]\d*\.\d+) \|/m); // it started above the budget
    const m = r.stdout.match(/drop (-?[\d.]+) points — within the 0.15-point budget/); // int8 may beat float
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeLessThanOrEqual(0.15);
    const variant = join(dir, 'fashion.tuned.yaml');
    expect(existsSync(variant)).toBe(true);
    expect(readFileSync(variant, 'utf8')).toMatch(
      /node_info:\n\s+\/\S+:\n\s+ON: BPU\n\s+InputType: int16\n\s+OutputType: int16/,
    );
    // the variant holds the --set values it was tuned with, and alone reproduces the confirmed run (every stage cached)
    expect(readFileSync(variant, 'utf8')).toMatch(/calibration_type: kl/);
    const plan = await zooforge(['plan', variant, '--out', join(dir, 'tune', 'tuned'), '--cache', cache]);
    expect(plan.stdout).toMatch(/^evaluate\s+cached/m);
    expect(plan.stdout).toMatch(/^quantize\s+cached/m);
  });

  it('tune says with its exit code whether the variant is within the budget (3: not within)', async () => {
    const r = await zooforge([
      'tune',
      recipe,
      '--max-drop',
      '0',
      '--out',
      join(dir, 'tune0'),
      '--cache',
      cache,
      ...TUNE_SETS,
      '--set',
      'tune.max_nodes=1',
    ]);
    const within = /— within the 0-point budget/.test(r.stdout);
    expect(within || /— NOT within the 0-point budget/.test(r.stdout), r.stdout + r.stderr).toBe(true);
    expect(r.exitCode).toBe(within ? 0 : 3);
  });
});
