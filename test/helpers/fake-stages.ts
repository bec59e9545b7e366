import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Stage } from '../../pipeline/engine/types.ts';

/** Engine test stages: pure TypeScript, no Python. `a` reads recipe.export + a user file; `b` reads a's output. */
export function fakeStages(opts: { inputFile: string; failB?: boolean; hangB?: boolean; offA?: string; runs?: string[] }): Stage[] {
  const a: Stage = {
    id: 'a', version: 1, title: 'A', cacheable: true,
    disabledBecause: () => opts.offA,
    inputs: ({ loaded }) => ({ recipe: { export: loaded.recipe.export }, files: { src: { path: opts.inputFile } }, tools: ['torch'] }),
    async run(ctx) {
      opts.runs?.push('a');
      writeFileSync(join(ctx.workDir, 'a.txt'), `opset ${ctx.loaded.recipe.export.opset}\n`);
      return { outputs: { out: 'a.txt' }, data: { opset: ctx.loaded.recipe.export.opset } };
    },
  };
  const b: Stage = {
    id: 'b', version: 1, title: 'B', cacheable: true,
    inputs: ({ loaded }) => ({ recipe: { quantize: { calibration_type: loaded.recipe.quantize.calibration_type } }, files: { a: { stage: 'a', output: 'out' } }, tools: ['onnxruntime'] }),
    async run(ctx) {
      opts.runs?.push('b');
      writeFileSync(join(ctx.workDir, 'b.txt'), 'partial');
      if (opts.hangB) await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))));
      if (opts.failB) throw new (await import('../../pipeline/errors.ts')).StageFailedError('b broke', 'last log line');
      return { outputs: { out: 'b.txt' }, data: {} };
    },
  };
  const c: Stage = {
    id: 'c', version: 1, title: 'C', cacheable: true,
    inputs: () => ({ recipe: {}, files: { b: { stage: 'b', output: 'out' } }, tools: [] }),
    async run(ctx) {
      opts.runs?.push('c');
      writeFileSync(join(ctx.workDir, 'c.txt'), 'c');
      return { outputs: { out: 'c.txt' }, data: {} };
    },
  };
  return [a, b, c];
}
