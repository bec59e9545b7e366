import { z } from 'zod';
import { Outputs } from '../contracts/common.ts';
import { Count, FilePath, SensitivityRow, subsetInput, TuneStep, worker } from '../contracts/workers.ts';
import type { FileInput, RunContext, Stage, StageInputs } from '../engine/types.ts';
import { ensured } from '../errors.ts';
import { datasetSettings, hasLabels } from '../recipe/dataset-schema.ts';
import { type LoadedRecipe, recipePath } from '../recipe/load.ts';
import type { PathSegment } from '../recipe/locate.ts';
import {
  datasetFiles,
  floatModel,
  ORT_TOOLS,
  PREPROCESS,
  runWorkerStage,
  workerCode,
  workerDataset,
} from './common.ts';

export const sensitivityWorker = worker('sensitivity', {
  input: z.object({ ...subsetInput, budget_s: z.number() }).strict(),
  output: z
    .object({
      subset: Count,
      float_top1: z.number(),
      int8_top1: z.number(),
      int8_drop: z.number(),
      measured: Count,
      unmeasured: z.array(z.string()),
      seconds: z.number(),
      top: z.array(SensitivityRow),
      outputs: Outputs('sensitivity'),
    })
    .strict(),
});

export const tuneWorker = worker('tune', {
  input: z.object({ ...subsetInput, sensitivity: FilePath, max_drop: z.number(), max_nodes: Count }).strict(),
  output: z
    .object({
      met: z.boolean(),
      precision: z.enum(['int16', 'float']),
      quantized_nodes: Count,
      max_drop: z.number(),
      nodes: z.array(z.string()),
      float_top1: z.number(),
      subset: Count,
      steps: z.array(TuneStep),
      best: TuneStep,
      outputs: Outputs('steps'),
    })
    .strict(),
});

const q = (output: string): FileInput => ({ stage: 'quantize', output });

/** (They measure with the ort backend: that follows from reading the quantize stage's outputs.) */
const needsData = (loaded: LoadedRecipe): string | undefined =>
  !loaded.recipe.evaluate.dataset ? 'evaluate.dataset is not set (the validation subset comes from it)' : undefined;

/** Both rank and budget by Top-1 on labelled images: a folder without labels is refused before anything runs. */
function needsLabels(loaded: LoadedRecipe): { field: PathSegment[]; message: string }[] {
  const ds = loaded.recipe.evaluate.dataset;
  return ds && !hasLabels(ds, (p) => recipePath(loaded, p))
    ? [
        {
          field: ['evaluate', 'dataset'],
          message:
            'has no labels (a flat folder without labels:): sensitivity and tune measure Top-1, which needs them; a run without them still reports how often int8 agrees with float',
        },
      ]
    : [];
}

/** What both stages read: the float model, the chosen ranges and per-node table, the subset's images. */
function sharedInputs(loaded: LoadedRecipe, worker: 'sensitivity' | 'tune', slice: unknown): StageInputs {
  const r = loaded.recipe;
  return {
    recipe: { slice, subset: r.sensitivity.subset, dataset: datasetSettings(r.evaluate.dataset) },
    files: {
      ...workerCode(worker),
      model: floatModel(loaded),
      preprocess: PREPROCESS,
      calibration_table: q('calibration_table'),
      nodes: q('nodes'),
      quantize_summary: q('summary'),
      ...datasetFiles(loaded, 'evaluate', 'dataset'),
    },
    tools: [...ORT_TOOLS, 'pillow'],
  };
}

async function sharedParams(ctx: RunContext) {
  return {
    model: ctx.files.model,
    preprocess: ctx.files.preprocess,
    calibration_table: ctx.files.calibration_table,
    nodes: ctx.files.nodes,
    quantize_summary: ctx.files.quantize_summary,
    dataset: await workerDataset(ctx, ensured(ctx.loaded.recipe.evaluate.dataset, 'evaluate.dataset')),
    subset: ctx.loaded.recipe.sensitivity.subset,
  };
}

/** Per-layer sensitivity: Top-1/cosine/SQNR with only one node quantized, next to the cumulative cosine. */
export const sensitivityStage: Stage = {
  id: 'sensitivity',
  worker: sensitivityWorker,
  version: 2,
  title: 'Per-layer sensitivity',
  resources: { memoryMb: 3072 },
  cacheable: true,
  disabledBecause: (loaded) =>
    !loaded.recipe.sensitivity.enabled && loaded.recipe.tune.max_drop === undefined
      ? 'sensitivity.enabled is false (zooforge sensitivity turns it on)'
      : needsData(loaded),
  requires: needsLabels,
  inputs: ({ loaded }) => sharedInputs(loaded, 'sensitivity', { budget_s: loaded.recipe.sensitivity.budget_s }),
  run: async (ctx) =>
    runWorkerStage(ctx, sensitivityWorker, {
      work_dir: ctx.workDir,
      ...(await sharedParams(ctx)),
      budget_s: ctx.loaded.recipe.sensitivity.budget_s,
    }),
};

/** Greedy mixed precision: the fewest sensitive nodes at higher precision that meet tune.max_drop. */
export const tuneStage: Stage = {
  id: 'tune',
  worker: tuneWorker,
  version: 2,
  title: 'Tune (accuracy budget)',
  resources: { memoryMb: 3072 },
  cacheable: true,
  disabledBecause: (loaded) =>
    loaded.recipe.tune.max_drop === undefined
      ? 'tune.max_drop is not set (zooforge tune --max-drop sets it)'
      : needsData(loaded),
  requires: needsLabels,
  inputs({ loaded }) {
    const base = sharedInputs(loaded, 'tune', loaded.recipe.tune);
    return { ...base, files: { ...base.files, sensitivity: { stage: 'sensitivity', output: 'sensitivity' } } };
  },
  run: async (ctx) =>
    runWorkerStage(ctx, tuneWorker, {
      work_dir: ctx.workDir,
      ...(await sharedParams(ctx)),
      sensitivity: ctx.files.sensitivity,
      max_drop: ensured(ctx.loaded.recipe.tune.max_drop, 'tune.max_drop'),
      /* set: else the stage is off */ max_nodes: ctx.loaded.recipe.tune.max_nodes,
    }),
};
