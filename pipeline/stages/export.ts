import { existsSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { z } from 'zod';
import { ModelCheck, Outputs, WorkDir } from '../contracts/common.ts';
import { Count, FilePath, worker } from '../contracts/workers.ts';
import type { FileInput, Stage } from '../engine/types.ts';
import { StageFailedError } from '../errors.ts';
import { countParams } from '../onnx/params.ts';
import { datasetSettings, WorkerDatasetSchema } from '../recipe/dataset-schema.ts';
import { recipePath } from '../recipe/load.ts';
import { ExportSchema, ModelSchema } from '../recipe/schema.ts';
import {
  checkDataset,
  modelKey,
  moduleCode,
  PREPROCESS,
  runWorkerStage,
  TORCH_TOOLS,
  workerCode,
  workerDataset,
} from './common.ts';
import { unobtainableWeights } from './pretrained-weights.ts';

export const exportWorker = worker('export', {
  input: z
    .object({
      ...WorkDir,
      model: ModelSchema.extend({ checkpoint: FilePath.optional() }),
      preprocess: FilePath,
      export: ExportSchema,
      check_dataset: WorkerDatasetSchema.optional(),
    })
    .strict(),
  output: z
    .object({
      check: ModelCheck.partial()
        .extend({ inputs: z.string(), runs_in_onnxruntime: z.boolean().optional(), finite: z.boolean().optional() })
        .strict(),
      weights: z.enum(['pretrained', 'random', 'checkpoint', 'onnx file']),
      randomized_batchnorm_layers: Count.optional(),
      /** the fused (deployed) form was exported: how many modules fused, and fused vs unfused on the check images */
      reparameterized: ModelCheck.omit({ inputs: true }).extend({ modules: Count }).strict().nullable().optional(),
      torch_parameters: Count.optional(),
      opset: Count.nullable(),
      outputs: Outputs('model'),
    })
    .strict(),
});

/** An existing ONNX model and its external data files (checked to exist and hold their bytes): all keyed. */
function onnxWithData(model: string): Record<string, FileInput> {
  const out: Record<string, FileInput> = { onnx: { path: model, field: ['model', 'source', 'onnx'] } };
  if (!existsSync(model)) return out; // the engine reports the missing input
  for (const f of countParams(model).externalFiles) out[`onnx.data.${relative(dirname(model), f)}`] = { path: f };
  return out;
}

/** PyTorch -> ONNX (or a given ONNX file), checked against onnxruntime on the record's input. */
export const exportStage: Stage = {
  id: 'export',
  worker: exportWorker,
  version: 2,
  title: 'Export to ONNX',
  resources: { memoryMb: 3072 },
  cacheable: true,
  inputs({ loaded }) {
    const r = loaded.recipe;
    const files = { ...checkDataset(loaded).files };
    if (r.model.checkpoint)
      files.checkpoint = { path: recipePath(loaded, r.model.checkpoint), field: ['model', 'checkpoint'] };
    if ('module' in r.model.source)
      Object.assign(files, moduleCode(recipePath(loaded, r.model.source.module.replace(/:[^:]+$/, ''))));
    if ('onnx' in r.model.source) Object.assign(files, onnxWithData(recipePath(loaded, r.model.source.onnx)));
    return {
      recipe: { model: modelKey(r.model), export: r.export, check_dataset: datasetSettings(r.calibration.dataset) },
      files: { ...files, preprocess: PREPROCESS, ...workerCode(exportWorker.name) },
      tools: TORCH_TOOLS,
    };
  },
  async run(ctx) {
    const { loaded } = ctx;
    const r = loaded.recipe;
    const source =
      'module' in r.model.source
        ? { module: `${ctx.files.module}:${r.model.source.module.split(':').pop()}` }
        : 'onnx' in r.model.source
          ? { onnx: ctx.files.onnx }
          : r.model.source;
    const unobtainable = await unobtainableWeights(r.model);
    if (unobtainable) throw new StageFailedError(unobtainable);
    const check = checkDataset(loaded);
    if (check.missing) ctx.warn(check.missing);
    return runWorkerStage(ctx, exportWorker, {
      work_dir: ctx.workDir,
      model: { ...r.model, source, checkpoint: r.model.checkpoint && ctx.files.checkpoint },
      preprocess: ctx.files.preprocess,
      export: r.export,
      check_dataset: check.dataset && (await workerDataset(ctx, check.dataset)),
    });
  },
};
