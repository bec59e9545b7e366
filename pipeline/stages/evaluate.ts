import type { Stage } from '../engine/types.ts';
import { ensured } from '../errors.ts';
import { datasetSettings } from '../recipe/dataset-schema.ts';
import { boardInputKey, boardInputType } from './board-input.ts';
import {
  datasetFiles,
  floatModel,
  ORT_TOOLS,
  PREPROCESS,
  runWorkerStage,
  workerCode,
  workerDataset,
} from './common.ts';

/** Float vs quantized Top-1/Top-5 on the same images, in one pass, with the paired statistics: float on the training
 *  input, int8 on what the board feeds it under emulate bpu (board-input.ts). */
export const evaluateStage: Stage = {
  id: 'evaluate',
  version: 1,
  title: 'Evaluate float vs int8',
  resources: { memoryMb: 3072 },
  cacheable: true,
  disabledBecause: ({ recipe }) => (!recipe.evaluate.dataset ? 'evaluate.dataset is not set' : undefined),
  inputs({ loaded }) {
    const e = loaded.recipe.evaluate;
    return {
      // batch_size too: a batched kernel can round differently, and the worker reads exactly this slice
      recipe: {
        evaluate: {
          limit: e.limit,
          sampling: e.sampling,
          batch_size: e.batch_size,
          dataset: datasetSettings(e.dataset),
        },
        board_input: boardInputKey(loaded),
      },
      files: {
        ...workerCode('evaluate'),
        float_model: floatModel(loaded),
        quant_model: { stage: 'quantize', output: 'model' },
        preprocess: PREPROCESS,
        ...datasetFiles(loaded, 'evaluate', 'dataset'),
      },
      tools: [...ORT_TOOLS, 'pillow'],
    };
  },
  async run(ctx) {
    const e = ctx.loaded.recipe.evaluate;
    return runWorkerStage(ctx, 'evaluate', {
      work_dir: ctx.workDir,
      float_model: ctx.files.float_model,
      quant_model: ctx.files.quant_model,
      preprocess: ctx.files.preprocess,
      dataset: await workerDataset(ctx, ensured(e.dataset, 'evaluate.dataset')),
      limit: e.limit,
      sampling: e.sampling,
      batch_size: e.batch_size,
      input_type_rt: await boardInputType(ctx, ctx.files.preprocess),
    });
  },
};
