import { z } from 'zod';
import { Outputs, PairedMetrics, TopK } from '../contracts/common.ts';
import { Count, evaluation, ModelPair, worker } from '../contracts/workers.ts';
import type { Stage } from '../engine/types.ts';
import { ensured } from '../errors.ts';
import { datasetSettings, WorkerDatasetSchema } from '../recipe/dataset-schema.ts';
import { HostRuntime } from '../recipe/quantize-schema.ts';
import type { Recipe } from '../recipe/schema.ts';
import { boardInputKey, boardInputType } from './board-input.ts';
import {
  datasetFiles,
  floatModel,
  PREPROCESS,
  runtimeTools,
  runWorkerStage,
  workerCode,
  workerDataset,
} from './common.ts';

export const evaluateWorker = worker('evaluate', {
  input: z
    .object({
      ...ModelPair,
      dataset: WorkerDatasetSchema,
      ...evaluation,
      /** what the board feeds the int8 model (emulate bpu; zooforge/data/hb_input.py board_pixels); null: the training input */
      input_type_rt: z.string().nullable(),
      /** what runs the int8 model: OpenVINO for an emulate host model with quantize.host_runtime openvino */
      quant_runtime: HostRuntime,
    })
    .strict(),
  output: PairedMetrics.extend({
    /** null unless input_type_rt was set; training_input: int8 fed the training input instead (lossy paths only) */
    input_path: z
      .object({
        type: z.string(),
        training_input: z.object({ agreement: TopK, mean_output_cosine: z.number() }).strict().nullable(),
      })
      .strict()
      .nullable(),
    images_per_s: z.number(),
    batch: z.object({ float: Count, quant: Count }).strict(),
    outputs: Outputs('predictions', 'images', 'thumbs'),
  }).strict(),
});

/** The runtime of the int8 model's accuracy: the host runtime for the emulate host model (the bpu model predicts
 *  the board, whose runtime ONNX Runtime stands in for). */
export const quantRuntime = (r: Recipe): HostRuntime =>
  r.quantize.emulate === 'host' ? r.quantize.host_runtime : 'ort';

/** Float vs quantized Top-1/Top-5 on the same images, in one pass, with the paired statistics: float on the training
 *  input, int8 on what the board feeds it under emulate bpu (board-input.ts). */
export const evaluateStage: Stage = {
  id: 'evaluate',
  worker: evaluateWorker,
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
        quant_runtime: quantRuntime(loaded.recipe),
      },
      files: {
        ...workerCode(evaluateWorker.name),
        float_model: floatModel(loaded),
        quant_model: { stage: 'quantize', output: 'model' },
        preprocess: PREPROCESS,
        ...datasetFiles(loaded, 'evaluate', 'dataset'),
      },
      tools: [...runtimeTools(quantRuntime(loaded.recipe)), 'pillow'],
    };
  },
  async run(ctx) {
    const e = ctx.loaded.recipe.evaluate;
    return runWorkerStage(ctx, evaluateWorker, {
      work_dir: ctx.workDir,
      float_model: ctx.files.float_model,
      quant_model: ctx.files.quant_model,
      preprocess: ctx.files.preprocess,
      dataset: await workerDataset(ctx, ensured(e.dataset, 'evaluate.dataset')),
      limit: e.limit,
      sampling: e.sampling,
      batch_size: e.batch_size,
      input_type_rt: await boardInputType(ctx, ctx.files.preprocess),
      quant_runtime: quantRuntime(ctx.loaded.recipe),
    });
  },
};
