import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { localImports } from '../cache/python-imports.ts';
import { SCRIPTS_DIR } from '../paths.ts';
import { z } from 'zod';
import type { LoadedRecipe } from '../recipe/load.ts';
import { recipePath } from '../recipe/load.ts';
import { datasetPaths, type Dataset } from '../recipe/dataset-schema.ts';
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

/** The files whose content identifies a recipe section's dataset (so the cache key follows the data, not its path),
 *  each with the recipe field that names it. */
export function datasetFiles(loaded: LoadedRecipe, section: 'calibration' | 'evaluate', prefix: string): Record<string, FileInput> {
  const ds = loaded.recipe[section].dataset;
  if (!ds) return {};
  return Object.fromEntries(datasetPaths(ds, (p) => recipePath(loaded, p))
    .map((f) => [f.role ? `${prefix}.${f.role}` : prefix, { path: f.path, field: [section, 'dataset', ...f.field] }]));
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

/** A stage's Python code as key inputs: the worker and the local modules it imports (scripts/zf/...). Editing one
 *  re-runs exactly the stages whose workers use it. */
export function workerCode(script: string): Record<string, FileInput> {
  const worker = join(SCRIPTS_DIR, script);
  const out: Record<string, FileInput> = { 'code.worker': { path: worker } };
  for (const mod of localImports(worker, [SCRIPTS_DIR])) out[`code.${relative(SCRIPTS_DIR, mod).replace(/\.py$/, '').split(sep).join('.')}`] = { path: mod };
  return out;
}

/** A user's `module:` source file and the local modules it imports (its folder is first on sys.path, as for a
 *  script): every byte export reads is keyed. */
export function moduleCode(file: string): Record<string, FileInput> {
  const out: Record<string, FileInput> = { module: { path: file } };
  for (const mod of localImports(file, [dirname(file)])) out[`module.${relative(dirname(file), mod)}`] = { path: mod };
  return out;
}

/** The dataset used for export/simplify checks, when its files exist (else the workers check on random inputs). */
export function checkDataset(loaded: LoadedRecipe): { dataset?: Dataset; files: Record<string, FileInput> } {
  const ds = loaded.recipe.calibration.dataset;
  // Optional for export/simplify (`--until params` needs no images), so no `field`: never reported as missing.
  const files = Object.fromEntries(Object.entries(datasetFiles(loaded, 'calibration', 'check_dataset')).map(([k, f]) => [k, { path: 'path' in f ? f.path : '' }]));
  const present = Object.values(files).every((f) => existsSync(f.path));
  return present && ds ? { dataset: resolveDataset(loaded, ds), files } : { files: {} };
}
