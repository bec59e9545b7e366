import { existsSync } from 'node:fs';
import { z } from 'zod';
import { Outputs, PreprocessRecord, WorkDir } from '../contracts/common.ts';
import { FilePath, worker } from '../contracts/workers.ts';
import type { FileInput, Stage } from '../engine/types.ts';
import { PreprocessSchema } from '../recipe/dataset-schema.ts';
import { recipePath } from '../recipe/load.ts';
import { InputSchema, ModelSchema } from '../recipe/schema.ts';
import { runWorkerStage, sourceKey, workerCode } from './common.ts';

export const preprocessWorker = worker('preprocess', {
  input: z
    .object({
      ...WorkDir,
      model: z.object({ source: ModelSchema.shape.source, onnx_file: FilePath.optional() }).strict(),
      input: InputSchema,
      preprocess: PreprocessSchema,
    })
    .strict(),
  output: z.object({ record: PreprocessRecord, outputs: Outputs('record') }).strict(),
});

/** The one preprocessing record: the recipe's preprocess settings, else timm's pretrained_cfg, else the ONNX file's
 *  input, else defaults. Every stage that feeds the model pixels (export's check, simplify's check, calibration,
 *  evaluate, perf, mapper_config, hb_evaluate, sensitivity) reads this output and nothing else. */
export const preprocessStage: Stage = {
  id: 'preprocess',
  worker: preprocessWorker,
  version: 1,
  title: 'Preprocessing record',
  cacheable: true,
  inputs({ loaded }) {
    const r = loaded.recipe;
    // An ONNX source names its own input; with input.shape in the recipe the record needs no file (mapper-config
    // of an imported recipe works before the model is there). Present or not is part of the key.
    const file = 'onnx' in r.model.source ? recipePath(loaded, r.model.source.onnx) : undefined;
    const onnx: Record<string, FileInput> =
      file && (existsSync(file) || !r.input.shape)
        ? { onnx_file: { path: file, field: ['model', 'source', 'onnx'] } }
        : {};
    return {
      recipe: {
        model: { source: sourceKey(r.model.source) },
        input: r.input,
        preprocess: r.preprocess,
        onnx_present: 'onnx_file' in onnx,
      },
      files: { ...workerCode(preprocessWorker.name), ...onnx },
      tools: ['python', 'timm', 'onnx'],
    };
  },
  run(ctx) {
    const r = ctx.loaded.recipe;
    return runWorkerStage(ctx, preprocessWorker, {
      work_dir: ctx.workDir,
      model: { source: r.model.source, ...(ctx.files.onnx_file ? { onnx_file: ctx.files.onnx_file } : {}) },
      input: r.input,
      preprocess: r.preprocess,
    });
  },
};
