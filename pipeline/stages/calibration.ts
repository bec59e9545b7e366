import { z } from 'zod';
import { Outputs, PreprocessRecord, WorkDir } from '../contracts/common.ts';
import { Count, FilePath, worker } from '../contracts/workers.ts';
import type { Stage } from '../engine/types.ts';
import { ensured } from '../errors.ts';
import { datasetSettings, WorkerDatasetSchema } from '../recipe/dataset-schema.ts';
import { CalibrationSchema } from '../recipe/schema.ts';
import {
  datasetFiles,
  hbCalibrationDir,
  PREPROCESS,
  readOutput,
  runWorkerStage,
  workerCode,
  workerDataset,
} from './common.ts';

export const calibrationWorker = worker('calibration', {
  input: z
    .object({
      ...WorkDir,
      preprocess: FilePath,
      calibration: CalibrationSchema,
      dataset: WorkerDatasetSchema,
      hb_dir: z.string().regex(/^[\w.-]+$/),
    })
    .strict(),
  output: z
    .object({
      count: Count,
      distinct: Count,
      duplicates: Count,
      skipped: z.array(z.string()),
      dataset: z.string(),
      classes_covered: Count,
      outputs: Outputs('tensors', 'selection', 'hb_calibration'),
    })
    .strict(),
});

/** The calibration set: seeded selection, one preprocessing record, tensors for both backends. */
export const calibrationStage: Stage = {
  id: 'calibration',
  worker: calibrationWorker,
  version: 1,
  title: 'Calibration data',
  cacheable: true,
  // skip: hb_mapper calibrates on random data; load: the ranges come from a QAT model. Neither reads a set.
  disabledBecause: ({ recipe }) =>
    ['skip', 'load'].includes(recipe.quantize.calibration_type)
      ? `quantize.calibration_type is ${recipe.quantize.calibration_type}`
      : undefined,
  requires: ({ recipe }) =>
    recipe.calibration.dataset
      ? []
      : [
          {
            field: ['calibration', 'dataset'],
            message: `required unless quantize.calibration_type is skip (it is ${recipe.quantize.calibration_type})`,
          },
        ],
  inputs({ loaded }) {
    const c = loaded.recipe.calibration;
    return {
      recipe: {
        calibration: { count: c.count, seed: c.seed, balanced: c.balanced, dataset: datasetSettings(c.dataset) },
      },
      files: {
        ...workerCode(calibrationWorker.name),
        preprocess: PREPROCESS,
        ...datasetFiles(loaded, 'calibration', 'dataset'),
      },
      tools: ['python', 'numpy', 'pillow'],
    };
  },
  async run(ctx) {
    const r = ctx.loaded.recipe;
    const record = await readOutput(ctx.files.preprocess, PreprocessRecord);
    return runWorkerStage(ctx, calibrationWorker, {
      work_dir: ctx.workDir,
      preprocess: ctx.files.preprocess,
      calibration: r.calibration,
      dataset: await workerDataset(ctx, ensured(r.calibration.dataset, 'calibration.dataset')),
      hb_dir: hbCalibrationDir(record.colour),
    });
  },
};
