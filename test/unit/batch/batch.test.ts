import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BatchProgress } from '../../../pipeline/batch/progress.ts';
import { taskArgv } from '../../../pipeline/batch/ray.ts';
import { taskResources } from '../../../pipeline/batch/resources.ts';
import { optionalValues } from '../../../pipeline/cli/options.ts';
import { loadRecipe } from '../../../pipeline/recipe/load.ts';
import { selectStages } from '../../../pipeline/stages/index.ts';
import { fashionRecipeText } from '../../helpers/recipes.ts';
import { tmp } from '../../helpers/tmp.ts';

describe('--ray [ADDRESS]', () => {
  it.each([
    [
      ['sweep', 'r.yaml', '--ray'],
      ['sweep', 'r.yaml', '--ray=local'],
    ],
    [
      ['sweep', 'r.yaml', '--ray', '--jobs', '2'],
      ['sweep', 'r.yaml', '--ray=local', '--jobs', '2'],
    ],
    [
      ['sweep', 'r.yaml', '--ray', 'auto'],
      ['sweep', 'r.yaml', '--ray', 'auto'],
    ],
    [
      ['sweep', 'r.yaml', '--ray', 'ray://head.example:10001'],
      ['sweep', 'r.yaml', '--ray', 'ray://head.example:10001'],
    ],
    [
      ['sweep', 'r.yaml', '--ray', '10.0.0.5:6379'],
      ['sweep', 'r.yaml', '--ray', '10.0.0.5:6379'],
    ],
    [
      ['zoo', 'run', '--ray', 'RepVGG_A0'],
      ['zoo', 'run', '--ray=local', 'RepVGG_A0'],
    ], // a model name is not an address
    [
      ['sweep', 'r.yaml', '--ray=auto'],
      ['sweep', 'r.yaml', '--ray=auto'],
    ],
  ])('%j -> %j', (argv, want) => {
    expect(optionalValues(argv)).toEqual(want);
  });
});

describe('Ray task resources and command line', () => {
  const dir = tmp('zf-batch-');
  const recipe = join(dir, 'fashion.yaml');
  writeFileSync(recipe, fashionRecipeText());
  const load = (set: string[]) =>
    loadRecipe(recipe, ['quantize.backend=ort', ...set], { resolveBackend: (b) => b as never });

  it('ask for the largest need of the stages that will run; hb_mapper only when the recipe builds a .bin', () => {
    expect(taskResources(selectStages(), load([]))).toEqual({ num_cpus: 1, memory_mb: 3072, custom: {} });
    expect(taskResources(selectStages('preprocess'), load([]))).toEqual({ num_cpus: 1, memory_mb: 1024, custom: {} });
    expect(taskResources(selectStages(), load(['quantize.backend=horizon']))).toMatchObject({
      memory_mb: 8192,
      custom: { hb_mapper: 1 },
    });
  });

  it("a task runs this checkout's CLI with every value as its own argument (no shell)", () => {
    const hostile = 'quantize.calibration_type=$(touch /tmp/pwned); rm -rf ~';
    const argv = taskArgv(
      { name: 'x', recipe, set: [hostile], out: '/shared/runs/x' },
      { recipe, force: ['export'], set: ['a=1'], json: false, plain: false, until: 'params' },
      '/shared/cache',
    );
    expect(argv[0]).toBe(process.execPath);
    expect(argv.slice(2)).toEqual([
      'run',
      recipe,
      '--out',
      '/shared/runs/x',
      '--cache',
      '/shared/cache',
      '--json',
      '--until',
      'params',
      '--force',
      'export',
      '--set',
      'a=1',
      '--set',
      hostile,
    ]);
  });
});

describe('batch progress', () => {
  it('counts tasks done/running/failed and, per stage, what each task did', () => {
    const lines: string[] = [];
    const p = new BatchProgress(3, (l) => lines.push(l));
    p.start('a', 'node-1 (pid 1)');
    p.start('b', 'node-2 (pid 2)', 2);
    p.event('a', { type: 'stage-start', id: 'export' });
    p.event('b', { type: 'stage-start', id: 'export' });
    p.event('a', { type: 'stage-end', id: 'export', status: 'passed' });
    p.event('b', {
      type: 'stage-progress',
      id: 'export',
      message: 'waiting: another zooforge run (pid 9) is computing this entry',
    });
    p.end({ name: 'a', status: 'passed' });
    expect(p.line()).toBe('tasks 1/3 done, 1 running, 0 failed | export 1 passed 1 running');
    p.end({ name: 'b', status: 'failed', error: 'stage export: boom' });
    expect(p.line()).toBe('tasks 2/3 done, 0 running, 1 failed | export 1 passed 1 stopped');
    expect(lines).toContain('[b] started on node-2 (pid 2) (attempt 2: its previous worker or node died)');
    expect(lines).toContain('[b] export: waiting: another zooforge run (pid 9) is computing this entry');
    expect(lines).toContain('[b] failed: stage export: boom');
    // the states come in a fixed order, whichever task reached the stage first (the one that computes it may not)
    const q = new BatchProgress(2, () => undefined);
    q.event('x', { type: 'stage-end', id: 'export', status: 'cached' });
    q.event('y', { type: 'stage-end', id: 'export', status: 'passed' });
    expect(q.line()).toBe('tasks 0/2 done, 0 running, 0 failed | export 1 passed 1 cached');
  });
});
