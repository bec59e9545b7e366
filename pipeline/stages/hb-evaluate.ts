import { dirname } from 'node:path';
import { z } from 'zod';
import { NoOutputs, PairedMetrics } from '../contracts/common.ts';
import { MapperSummary } from '../contracts/horizon.ts';
import { worker } from '../contracts/workers.ts';
import type { Stage } from '../engine/types.ts';
import { ensured } from '../errors.ts';
import { toolchainFor } from '../horizon/toolchain.ts';
import { PYTHON_PACKAGE_PATHS, PYTHON_ROOT } from '../paths.ts';
import { datasetSettings } from '../recipe/dataset-schema.ts';
import { workerEnv } from '../tools/python.ts';
import {
  datasetFiles,
  floatModel,
  PREPROCESS,
  readOutput,
  runWorkerStage,
  workerCode,
  workerDataset,
} from './common.ts';
import { evaluateWorker } from './evaluate.ts';

export const hbEvaluateWorker = worker('hb_evaluate', {
  // evaluate's input, plus the input type the board's model takes (the Horizon model is fed that)
  input: evaluateWorker.input.omit({ quant_runtime: true }).extend({ input_type_rt: z.string() }).strict(),
  output: PairedMetrics.extend({ quant_runtime: z.string(), outputs: NoOutputs }).strict(),
});

/** Horizon quantized-model accuracy: hb_evaluate.py with HB_ONNXRuntime, run where the toolchain is. Same metrics
 *  (and report columns) as the ort evaluate stage. */
export const hbEvaluateStage: Stage = {
  id: 'hb_evaluate',
  worker: hbEvaluateWorker,
  version: 2,
  title: 'Evaluate float vs Horizon int8',
  cacheable: true,
  disabledBecause: ({ recipe }) => (!recipe.evaluate.dataset ? 'evaluate.dataset is not set' : undefined),
  inputs({ loaded }) {
    const e = loaded.recipe.evaluate;
    return {
      recipe: {
        evaluate: {
          limit: e.limit,
          sampling: e.sampling,
          batch_size: e.batch_size,
          dataset: datasetSettings(e.dataset),
        },
        python: loaded.recipe.quantize.toolchain.python,
        image: loaded.recipe.quantize.toolchain.docker_image,
      },
      files: {
        ...workerCode(hbEvaluateWorker.name),
        float_model: floatModel(loaded),
        quant_model: { stage: 'horizon', output: 'quantized_onnx' },
        mapper: { stage: 'mapper_config', output: 'summary' },
        preprocess: PREPROCESS,
        ...datasetFiles(loaded, 'evaluate', 'dataset'),
      },
      tools: [],
    };
  },
  async run(ctx) {
    const r = ctx.loaded.recipe;
    const dataset = await workerDataset(ctx, ensured(r.evaluate.dataset, 'evaluate.dataset'));
    const { input_type_rt } = await readOutput(ctx.files.mapper, MapperSummary);
    const dataRoots = Object.values(datasetFiles(ctx.loaded, 'evaluate', 'd')).map((f) =>
      'path' in f ? dirname(f.path) : '',
    );
    const mounts = [
      PYTHON_ROOT,
      ...Object.values(PYTHON_PACKAGE_PATHS),
      ...dataRoots,
      ...['float_model', 'quant_model', 'preprocess'].map((k) => dirname(ctx.files[k])),
    ];
    const tc = toolchainFor(r.quantize);
    return runWorkerStage(
      ctx,
      hbEvaluateWorker,
      {
        work_dir: ctx.workDir,
        float_model: ctx.files.float_model,
        quant_model: ctx.files.quant_model,
        preprocess: ctx.files.preprocess,
        dataset,
        limit: r.evaluate.limit,
        sampling: r.evaluate.sampling,
        batch_size: r.evaluate.batch_size,
        input_type_rt,
      },
      (args) => tc.argv(ctx.workDir, r.quantize.toolchain.python, args, mounts, false, workerEnv()),
    );
  },
};
