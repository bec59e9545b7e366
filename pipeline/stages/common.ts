import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { z } from 'zod';
import { localImports, moduleNameOf } from '../cache/python-imports.ts';
import type { ToolName } from '../contracts/tools.ts';
import type { WorkerContract, WorkerData, WorkerInput } from '../contracts/workers.ts';
import type { FileInput, RunContext } from '../engine/types.ts';
import { CONTRACTS_DIR, PYTHON_PACKAGE_PATHS, PYTHON_ROOT, WORKERS_DIR } from '../paths.ts';
import { type Dataset, datasetPaths, type WorkerDataset } from '../recipe/dataset-schema.ts';
import type { LoadedRecipe } from '../recipe/load.ts';
import { recipePath } from '../recipe/load.ts';
import type { HostRuntime } from '../recipe/quantize-schema.ts';
import type { Recipe } from '../recipe/schema.ts';

/** Torch-side tools whose versions change exported bytes (torch and numpy sum through the system BLAS). */
export const TORCH_TOOLS: readonly ToolName[] = [
  'python',
  'torch',
  'torchvision',
  'timm',
  'onnx',
  'onnxruntime',
  'numpy',
  'blas',
];
export const ORT_TOOLS: readonly ToolName[] = ['python', 'onnx', 'onnxruntime', 'numpy', 'blas'];

/** The tools a stage that runs models in this runtime (quantize.host_runtime) calls. */
export const runtimeTools = (runtime: HostRuntime): readonly ToolName[] =>
  runtime === 'openvino' ? [...ORT_TOOLS, 'openvino'] : ORT_TOOLS;

/** The dataset with every path made absolute, as the Python workers want it. */
export function resolveDataset(loaded: LoadedRecipe, ds: Dataset): Dataset {
  if ('fashion_mnist' in ds)
    return { fashion_mnist: { ...ds.fashion_mnist, root: recipePath(loaded, ds.fashion_mnist.root) } };
  if ('folder' in ds) {
    const f = ds.folder;
    return {
      folder: {
        ...f,
        path: recipePath(loaded, f.path),
        labels: f.labels && recipePath(loaded, f.labels),
        synsets: f.synsets && recipePath(loaded, f.synsets),
      },
    };
  }
  return { hb_calibration_dir: { ...ds.hb_calibration_dir, path: recipePath(loaded, ds.hb_calibration_dir.path) } };
}

/** The dataset as a worker reads it: paths absolute, and a folder with the listing its key hashed, so the worker
 *  reads exactly the files the key covers. */
export async function workerDataset(ctx: RunContext, ds: Dataset): Promise<WorkerDataset> {
  const resolved = resolveDataset(ctx.loaded, ds);
  if ('fashion_mnist' in resolved) return resolved;
  const listed = async (path: string) => {
    const { files, dirs } = await ctx.listing(path);
    return { files, dirs };
  };
  if ('folder' in resolved) return { folder: { ...resolved.folder, ...(await listed(resolved.folder.path)) } };
  return {
    hb_calibration_dir: { ...resolved.hb_calibration_dir, ...(await listed(resolved.hb_calibration_dir.path)) },
  };
}

/** The files whose content identifies a recipe section's dataset (so the cache key follows the data, not its path),
 *  each with the recipe field that names it. */
export function datasetFiles(
  loaded: LoadedRecipe,
  section: 'calibration' | 'evaluate',
  prefix: string,
): Record<string, FileInput> {
  const ds = loaded.recipe[section].dataset;
  if (!ds) return {};
  return Object.fromEntries(
    datasetPaths(ds, (p) => recipePath(loaded, p)).map((f) => [
      f.role ? `${prefix}.${f.role}` : prefix,
      { path: f.path, field: [section, 'dataset', ...f.field] },
    ]),
  );
}

/** The float model later stages consume: simplify's output, or export's when simplify is off. */
export function floatModel(loaded: LoadedRecipe): FileInput {
  return loaded.recipe.simplify.tool === 'none'
    ? { stage: 'export', output: 'model' }
    : { stage: 'simplify', output: 'model' };
}

/** The one preprocessing record (the preprocess stage's output): every stage that feeds the model pixels reads it. */
export const PREPROCESS: FileInput = { stage: 'preprocess', output: 'record' };

/** Run a worker (input and output checked against its contract) and split its answer the way the engine wants:
 *  `outputs` for the engine, the rest as the stage's typed data. `launch` runs it elsewhere (the toolchain's
 *  Python); default: the project's interpreter. */
export async function runWorkerStage<W extends WorkerContract<string, z.ZodType, z.ZodObject>>(
  ctx: RunContext,
  worker: W,
  input: WorkerInput<W>,
  launch?: (args: string[]) => string[],
): Promise<{ outputs: Record<string, string>; data: WorkerData<W> }> {
  // every worker's output has `outputs` (worker() requires an object; each contract declares it)
  const answer = (await ctx.python.runWorker(worker, input, ctx, launch)) as WorkerData<W> & {
    outputs: Record<string, string>;
  };
  const { outputs, ...data } = answer;
  return { outputs: { ...outputs }, data: data as WorkerData<W> };
}

/** A stage's Python code as key inputs: the worker module, the zooforge modules it imports and its contract.
 *  Editing one re-runs exactly the stages whose workers use it. */
export function workerCode(worker: string): Record<string, FileInput> {
  const file = join(WORKERS_DIR, `${worker}.py`);
  const out: Record<string, FileInput> = {
    'code.worker': { path: file },
    'code.contract': { path: join(CONTRACTS_DIR, `${worker}.json`) },
  };
  for (const mod of localImports(file, [PYTHON_ROOT], PYTHON_PACKAGE_PATHS)) {
    out[`code.${moduleNameOf(mod, PYTHON_ROOT, PYTHON_PACKAGE_PATHS)}`] = { path: mod };
  }
  return out;
}

/** The folder of raw calibration tensors hb_mapper reads (cal_data_dir): named here only, passed to the workers. */
export const hbCalibrationDir = (colour: string): string => `calibration_data_${colour}_f32`;

/** Read an upstream JSON output with its contract (no casts of worker data). */
export async function readOutput<T>(file: string, schema: z.ZodType<T>): Promise<T> {
  return schema.parse(JSON.parse(await readFile(file, 'utf8')));
}

/** The model section as a cache key sees it: a file-valued field by its role only, since the file's bytes are keyed as
 *  a file input. Keys follow content, never paths: the same recipe in another folder reuses the cache. */
export function modelKey(model: Recipe['model']): unknown {
  return { ...model, source: sourceKey(model.source), checkpoint: model.checkpoint && 'file' };
}

/** The model source as a key sees it: a module's function name (its file is keyed), an ONNX file by role. */
export function sourceKey(source: Recipe['model']['source']): unknown {
  if ('module' in source) return { module: source.module.split(':').pop() };
  return 'onnx' in source ? { onnx: 'file' } : source;
}

/** A user's `module:` source file and the local modules it imports (its folder is first on sys.path, as for a
 *  script): every byte export reads is keyed. */
export function moduleCode(file: string): Record<string, FileInput> {
  const out: Record<string, FileInput> = { module: { path: file, field: ['model', 'source', 'module'] } };
  for (const mod of localImports(file, [dirname(file)])) out[`module.${relative(dirname(file), mod)}`] = { path: mod };
  return out;
}

/** The images of the export/simplify checks: the calibration dataset when its files are there. `--until params`
 *  needs no images, so a named set that is missing is not an error here (the calibration stage reports it before
 *  anything runs when it is planned): the check then runs on random inputs, and `missing` says so out loud. */
export function checkDataset(loaded: LoadedRecipe): {
  dataset?: Dataset;
  files: Record<string, FileInput>;
  missing?: string;
} {
  const ds = loaded.recipe.calibration.dataset;
  if (!ds) return { files: {} };
  const files = Object.fromEntries(
    Object.entries(datasetFiles(loaded, 'calibration', 'check_dataset')).map(([k, f]) => [
      k,
      { path: 'path' in f ? f.path : '' },
    ]),
  );
  const absent = Object.values(files).find((f) => !existsSync(f.path));
  return absent
    ? {
        files: {},
        missing: `calibration.dataset (${absent.path}) does not exist, so this check ran on random inputs, not images`,
      }
    : { dataset: resolveDataset(loaded, ds), files };
}
