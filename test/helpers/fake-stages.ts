import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CacheStore } from '../../pipeline/cache/store.ts';
import type { EngineEvent } from '../../pipeline/engine/events.ts';
import { execute } from '../../pipeline/engine/execute.ts';
import type { Stage } from '../../pipeline/engine/types.ts';
import { loadRecipe } from '../../pipeline/recipe/load.ts';
import { PythonEnv } from '../../pipeline/tools/python.ts';
import { tmp } from './tmp.ts';

/** Engine test stages: pure TypeScript, no Python. `a` reads recipe.export + a user file; `b` reads a's output. */
export function fakeStages(opts: {
  inputFile: string;
  failB?: boolean;
  hangB?: boolean;
  offA?: string;
  runs?: string[];
}): Stage[] {
  const a: Stage = {
    id: 'a',
    version: 1,
    title: 'A',
    cacheable: true,
    disabledBecause: () => opts.offA,
    inputs: ({ loaded }) => ({
      recipe: { export: loaded.recipe.export },
      files: { src: { path: opts.inputFile } },
      tools: ['torch'],
    }),
    async run(ctx) {
      opts.runs?.push('a');
      writeFileSync(join(ctx.workDir, 'a.txt'), `opset ${ctx.loaded.recipe.export.opset}\n`);
      return { outputs: { out: 'a.txt' }, data: { opset: ctx.loaded.recipe.export.opset } };
    },
  };
  const b: Stage = {
    id: 'b',
    version: 1,
    title: 'B',
    cacheable: true,
    inputs: ({ loaded }) => ({
      recipe: { quantize: { calibration_type: loaded.recipe.quantize.calibration_type } },
      files: { a: { stage: 'a', output: 'out' } },
      tools: ['onnxruntime'],
    }),
    async run(ctx) {
      opts.runs?.push('b');
      writeFileSync(join(ctx.workDir, 'b.txt'), 'partial');
      if (opts.hangB)
        await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))));
      if (opts.failB) throw new (await import('../../pipeline/errors.ts')).StageFailedError('b broke', 'last log line');
      return { outputs: { out: 'b.txt' }, data: {} };
    },
  };
  const c: Stage = {
    id: 'c',
    version: 1,
    title: 'C',
    cacheable: true,
    inputs: () => ({ recipe: {}, files: { b: { stage: 'b', output: 'out' } }, tools: [] }),
    async run(ctx) {
      opts.runs?.push('c');
      writeFileSync(join(ctx.workDir, 'c.txt'), 'c');
      return { outputs: { out: 'c.txt' }, data: {} };
    },
  };
  return [a, b, c];
}

/** Run the engine on fake stages as a test does: a recipe file, a cache folder, a placeholder interpreter (fake stages
 *  start none), events collected. */
export async function executeFakes(o: {
  recipe: string;
  set?: string[];
  stages: Stage[];
  outDir: string;
  cacheDir: string;
  force?: string[];
  versions?: Record<string, string>;
  emit?: (e: EngineEvent) => void;
}) {
  const events: EngineEvent[] = [];
  const result = await execute({
    loaded: loadRecipe(o.recipe, o.set ?? []),
    stages: o.stages,
    outDir: o.outDir,
    cache: new CacheStore(o.cacheDir),
    force: o.force ?? [],
    signal: new AbortController().signal,
    python: new PythonEnv('/unused', o.versions ?? { python: '3.11' }),
    emit: (e) => {
      events.push(e);
      o.emit?.(e);
    },
  });
  return { ...result, events };
}

/** A folder for an engine test: the recipe, the user file stage `a` reads, and where the run and the cache go. */
export function fakeWorkspace(prefix: string, recipeText: string) {
  const dir = tmp(prefix);
  const files = {
    dir,
    input: join(dir, 'input.bin'),
    recipe: join(dir, 'r.yaml'),
    out: join(dir, 'run'),
    cacheDir: join(dir, 'cache'),
  };
  writeFileSync(files.input, 'weights v1');
  writeFileSync(files.recipe, recipeText);
  return files;
}
