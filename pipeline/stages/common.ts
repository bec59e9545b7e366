import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SCRIPTS_DIR } from '../paths.ts';
import { z } from 'zod';
import type { LoadedRecipe } from '../recipe/load.ts';
import { recipePath } from '../recipe/load.ts';
import type { Dataset } from '../recipe/dataset-schema.ts';
import type { FileInput, RunContext } from '../engine/types.ts';

/** Torch-side tools whose versions change exported bytes. */
export const TORCH_TOOLS = ['python', 'torch', 'torchvision', 'timm', 'onnx', 'onnxruntime', 'numpy'] as const;
export const ORT_TOOLS = ['python', 'onnx', 'onnxruntime', 'numpy'] as const;

/** The dataset with every path made absolute, as the Python workers want it. */
export function resolveDataset(loaded: LoadedRecipe, ds: Dataset): Dataset {
  if ('fashion_mnist' in ds) return { fashion_mnist: { ...ds.fashion_mnist, root: recipePath(loaded, ds.fashion_mnist.root) } };
  if ('folder' in ds) {
    const f = ds.folder;
    return { folder: { path: recipePath(loaded, f.path), labels: f.labels && recipePath(loaded, f.labels), synsets: f.synsets && recipePath(loaded, f.synsets) } };
  }
  return { hb_calibration_dir: { ...ds.hb_calibration_dir, path: recipePath(loaded, ds.hb_calibration_dir.path) } };
}

/** The files whose content identifies a dataset (so the cache key follows the data, not its path). */
export function datasetFiles(loaded: LoadedRecipe, ds: Dataset | undefined, prefix: string): Record<string, FileInput> {
  if (!ds) return {};
  const abs = resolveDataset(loaded, ds);
  if ('fashion_mnist' in abs) {
    const { root, split } = abs.fashion_mnist;
    const p = split === 'train' ? 'train' : 't10k';
    return { [`${prefix}.images`]: { path: join(root, `${p}-images-idx3-ubyte.gz`) }, [`${prefix}.labels`]: { path: join(root, `${p}-labels-idx1-ubyte.gz`) } };
  }
  if ('folder' in abs) {
    const out: Record<string, FileInput> = { [prefix]: { path: abs.folder.path } };
    if (abs.folder.labels) out[`${prefix}.labels`] = { path: abs.folder.labels };
    if (abs.folder.synsets) out[`${prefix}.synsets`] = { path: abs.folder.synsets };
    return out;
  }
  return { [prefix]: { path: abs.hb_calibration_dir.path } };
}

/** The float model later stages consume: simplify's output, or export's when simplify is off. */
export function floatModel(loaded: LoadedRecipe): FileInput {
  return loaded.recipe.simplify.tool === 'none' ? { stage: 'export', output: 'model' } : { stage: 'simplify', output: 'model' };
}

export const PREPROCESS: FileInput = { stage: 'export', output: 'preprocess' };

/** Every worker writes `outputs: {name: relative path}` next to its data. */
export const WorkerOutput = z.object({ outputs: z.record(z.string(), z.string()) }).passthrough();

/** Run a worker whose result is {outputs, ...data}, and split it the way the engine wants. `launch` runs it
 *  elsewhere (the toolchain's Python); default: the project's interpreter. */
export async function runWorkerStage(ctx: RunContext, script: string, params: Record<string, unknown>, launch?: (args: string[]) => string[]) {
  const out = await ctx.python.runWorker(script, { ...params, work_dir: ctx.workDir }, WorkerOutput, ctx, launch);
  const { outputs, ...data } = out;
  return { outputs, data: data as Record<string, unknown> };
}

/** The zf modules a Python file imports, transitively (`from zf.x import` / `from .x import`). */
function zfImports(file: string, seen = new Set<string>()): Set<string> {
  for (const m of readFileSync(file, 'utf8').matchAll(/^\s*from (?:zf\.|\.)(\w+) import/gm)) {
    const mod = join(SCRIPTS_DIR, 'zf', `${m[1]}.py`);
    if (!seen.has(mod) && existsSync(mod)) {
      seen.add(mod);
      zfImports(mod, seen);
    }
  }
  return seen;
}

/** A stage's Python code as key inputs: the worker and the zf modules it imports. Editing one re-runs exactly
 *  the stages whose workers use it. */
export function workerCode(script: string): Record<string, FileInput> {
  const worker = join(SCRIPTS_DIR, script);
  const out: Record<string, FileInput> = { 'code.worker': { path: worker } };
  for (const mod of [...zfImports(worker)].sort()) out[`code.zf.${basename(mod, '.py')}`] = { path: mod };
  return out;
}

/** The dataset used for export/simplify checks, when its files exist (else the workers check on random inputs). */
export function checkDataset(loaded: LoadedRecipe): { dataset?: Dataset; files: Record<string, FileInput> } {
  const ds = loaded.recipe.calibration.dataset;
  const files = datasetFiles(loaded, ds, 'check_dataset');
  const present = Object.values(files).every((f) => 'path' in f && existsSync(f.path));
  return present && ds ? { dataset: resolveDataset(loaded, ds), files } : { files: {} };
}
