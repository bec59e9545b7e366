import { z } from 'zod';
import { ModelCheck, Outputs, WorkDir } from '../contracts/common.ts';
import { Count, Counts, FilePath, worker } from '../contracts/workers.ts';
import type { Stage } from '../engine/types.ts';
import { datasetSettings, WorkerDatasetSchema } from '../recipe/dataset-schema.ts';
import { SimplifySchema } from '../recipe/schema.ts';
import { checkDataset, PREPROCESS, runWorkerStage, workerCode, workerDataset } from './common.ts';

export const simplifyWorker = worker('simplify', {
  input: z
    .object({
      ...WorkDir,
      model: FilePath,
      preprocess: FilePath,
      simplify: SimplifySchema,
      check_dataset: WorkerDatasetSchema.optional(),
    })
    .strict(),
  output: z
    .object({
      check: ModelCheck,
      nodes_before: Count,
      nodes_after: Count,
      ops_before: Counts,
      ops_after: Counts,
      outputs: Outputs('model'),
    })
    .strict(),
});

/** onnxsim plus an honest equivalence check (max |delta|, cosine, Top-1 agreement on real images). */
export const simplifyStage: Stage = {
  id: 'simplify',
  worker: simplifyWorker,
  version: 1,
  title: 'Simplify (onnxsim)',
  cacheable: true,
  disabledBecause: ({ recipe }) => (recipe.simplify.tool === 'none' ? 'simplify.tool is none' : undefined),
  inputs({ loaded }) {
    return {
      recipe: { simplify: loaded.recipe.simplify, check_dataset: datasetSettings(loaded.recipe.calibration.dataset) },
      files: {
        ...workerCode(simplifyWorker.name),
        model: { stage: 'export', output: 'model' },
        preprocess: PREPROCESS,
        ...checkDataset(loaded).files,
      },
      tools: ['python', 'onnx', 'onnxsim', 'onnxruntime', 'numpy', 'blas'],
    };
  },
  async run(ctx) {
    const r = ctx.loaded.recipe;
    const check = checkDataset(ctx.loaded);
    if (check.missing) ctx.warn(check.missing);
    return runWorkerStage(ctx, simplifyWorker, {
      work_dir: ctx.workDir,
      model: ctx.files.model,
      preprocess: ctx.files.preprocess,
      simplify: r.simplify,
      check_dataset: check.dataset && (await workerDataset(ctx, check.dataset)),
    });
  },
};
