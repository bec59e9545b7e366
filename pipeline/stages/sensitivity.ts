import type { FileInput, RunContext, Stage, StageInputs } from '../engine/types.ts';
import type { LoadedRecipe } from '../recipe/load.ts';
import { datasetFiles, floatModel, ORT_TOOLS, PREPROCESS, resolveDataset, runWorkerStage, workerCode } from './common.ts';

const q = (output: string): FileInput => ({ stage: 'quantize', output });

function needsOrtAndData(loaded: LoadedRecipe): string | undefined {
  const r = loaded.recipe;
  if (r.quantize.backend !== 'ort') return 'sensitivity and tune measure with the ort backend';
  if (!r.evaluate.dataset) return 'evaluate.dataset is not set (the validation subset comes from it)';
  return undefined;
}

/** What both stages read: the float model, the chosen ranges and per-node table, the subset's images. */
function sharedInputs(loaded: LoadedRecipe, script: string, slice: unknown): StageInputs {
  const r = loaded.recipe;
  return {
    recipe: { slice, subset: r.sensitivity.subset },
    files: { ...workerCode(script), model: floatModel(loaded), preprocess: PREPROCESS, calibration_table: q('calibration_table'), nodes: q('nodes'), ...datasetFiles(loaded, 'evaluate', 'dataset') },
    tools: [...ORT_TOOLS, 'pillow'],
  };
}

function sharedParams(ctx: RunContext): Record<string, unknown> {
  const quant = ctx.upstream.quantize.data as { per_channel: boolean; excluded_nodes: string[] };
  return {
    model: ctx.files.model, preprocess: ctx.files.preprocess, calibration_table: ctx.files.calibration_table, nodes: ctx.files.nodes,
    dataset: resolveDataset(ctx.loaded, ctx.loaded.recipe.evaluate.dataset!), subset: ctx.loaded.recipe.sensitivity.subset,
    per_channel: quant.per_channel, excluded_nodes: quant.excluded_nodes,
  };
}

/** Per-layer sensitivity: Top-1/cosine/SQNR with only one node quantized, next to the cumulative cosine. */
export const sensitivityStage: Stage = {
  id: 'sensitivity',
  version: 1,
  title: 'Per-layer sensitivity',
  after: ['quantize'],
  cacheable: true,
  disabledBecause: (loaded) => (!loaded.recipe.sensitivity.enabled && loaded.recipe.tune.max_drop === undefined
    ? 'sensitivity.enabled is false (zooforge sensitivity turns it on)' : needsOrtAndData(loaded)),
  inputs: ({ loaded }) => sharedInputs(loaded, 'sensitivity.py', { budget_s: loaded.recipe.sensitivity.budget_s }),
  run: (ctx) => runWorkerStage(ctx, 'sensitivity.py', { ...sharedParams(ctx), budget_s: ctx.loaded.recipe.sensitivity.budget_s }),
};

/** Greedy mixed precision: the fewest sensitive nodes at higher precision that meet tune.max_drop. */
export const tuneStage: Stage = {
  id: 'tune',
  version: 1,
  title: 'Tune (accuracy budget)',
  after: ['sensitivity'],
  cacheable: true,
  disabledBecause: (loaded) => (loaded.recipe.tune.max_drop === undefined ? 'tune.max_drop is not set (zooforge tune --max-drop sets it)' : needsOrtAndData(loaded)),
  inputs({ loaded }) {
    const base = sharedInputs(loaded, 'tune.py', loaded.recipe.tune);
    return { ...base, files: { ...base.files, sensitivity: { stage: 'sensitivity', output: 'sensitivity' } } };
  },
  run: (ctx) => runWorkerStage(ctx, 'tune.py', { ...sharedParams(ctx), sensitivity: ctx.files.sensitivity, max_drop: ctx.loaded.recipe.tune.max_drop, max_nodes: ctx.loaded.recipe.tune.max_nodes }),
};
