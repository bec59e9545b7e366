import { PreprocessRecord } from '../contracts/common.ts';
import type { Stage } from '../engine/types.ts';
import { ensured } from '../errors.ts';
import { datasetSettings } from '../recipe/dataset-schema.ts';
import {
  datasetFiles,
  hbCalibrationDir,
  PREPROCESS,
  readOutput,
  runWorkerStage,
  workerCode,
  workerDataset,
} from './common.ts';

/** The calibration set: seeded selection, one preprocessing record, tensors for both backends. */
export const calibrationStage: Stage = {
  id: 'calibration',
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
        ...workerCode('calibration'),
        preprocess: PREPROCESS,
        ...datasetFiles(loaded, 'calibration', 'dataset'),
      },
      tools: ['python', 'numpy', 'pillow'],
    };
  },
  async run(ctx) {
    const r = ctx.loaded.recipe;
    const record = await readOutput(ctx.files.preprocess, PreprocessRecord);
    return runWorkerStage(ctx, 'calibration', {
      work_dir: ctx.workDir,
      preprocess: ctx.files.preprocess,
      calibration: r.calibration,
      dataset: await workerDataset(ctx, ensured(r.calibration.dataset, 'calibration.dataset')),
      hb_dir: hbCalibrationDir(record.colour),
    });
  },
};
