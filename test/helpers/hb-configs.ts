import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { buildHbConfig } from '../../pipeline/horizon/config.ts';
import { importHbConfig, readHbConfig } from '../../pipeline/horizon/import.ts';
import { normalizeConfig } from '../../pipeline/horizon/normalize.ts';
import type { HbConfig } from '../../pipeline/horizon/schema.ts';
import { PROJECT_ROOT, SHARED_DIR } from '../../pipeline/paths.ts';
import { loadRecipe } from '../../pipeline/recipe/load.ts';
import { tmp } from './tmp.ts';

export const YAML_DIR = join(SHARED_DIR, 'fixtures', 'horizon', 'yaml');
const ZOO_HB = join(PROJECT_ROOT, 'zoo', 'hb');

/** The recorded toolchain configs and all 47 of the X5 classification zoo's. */
export const CONFIGS = [
  ...readdirSync(YAML_DIR).map((f) => join(YAML_DIR, f)),
  ...readdirSync(ZOO_HB).map((f) => join(ZOO_HB, f)),
];

export const withoutPaths = (config: HbConfig) => {
  const normalized = normalizeConfig(config);
  delete normalized.model_parameters.onnx_model;
  delete normalized.calibration_parameters?.cal_data_dir;
  return normalized;
};

/** `import` an hb_mapper config into a recipe in a fresh folder, load it, and build the config back from it. */
export function regenerate(path: string) {
  const dir = tmp('zf-import-');
  const src = join(dir, 'configs', basename(path));
  mkdirSync(dirname(src), { recursive: true });
  copyFileSync(path, src);
  const original = readHbConfig(src);
  // The recipe loader checks that referenced files exist: stand-ins for the model and the calibration dir.
  const onnx = resolve(dirname(src), original.model_parameters.onnx_model ?? '');
  mkdirSync(dirname(onnx), { recursive: true });
  writeFileSync(onnx, '');
  mkdirSync(resolve(dirname(src), String(original.calibration_parameters?.cal_data_dir)), { recursive: true });

  const recipeFile = join(dir, 'recipes', 'imported.yaml');
  mkdirSync(dirname(recipeFile), { recursive: true });
  writeFileSync(recipeFile, importHbConfig(src, dirname(recipeFile)).text);
  const { recipe } = loadRecipe(recipeFile);
  const record = {
    input_name: 'x',
    input_shape: [1, 3, 224, 224],
    colour: 'rgb' as const,
    mean: recipe.preprocess.mean ?? [0.5],
    std: recipe.preprocess.std ?? [0.5],
  };
  const generated = buildHbConfig(recipe, record, { onnxModel: './model.onnx', calDataDir: './cal' });
  return { original, generated, recipe, recipeFile, onnx };
}
