import type { PreprocessRecord as FullRecord } from '../contracts/common.ts';
import type { Recipe } from '../recipe/schema.ts';
import { oneLine } from '../text/one-line.ts';
import { hbList } from './normalize.ts';
import { stringifyForPyYAML } from './pyyaml.ts';
import { readHbConfig } from './read.ts';
import type { HbConfig } from './schema.ts';

/** The fields of the preprocessing record (pipeline/contracts/common.ts) that the config needs. */
export type PreprocessRecord = Pick<FullRecord, 'input_name' | 'input_shape' | 'mean' | 'std' | 'colour'>;

export interface HbPaths {
  /** onnx_model as written in the YAML (relative to the YAML's own folder, as the tool resolves it) */
  onnxModel: string;
  calDataDir: string;
}

/** 7 significant digits: 1/(255*0.229) -> 0.01712475, 255*0.485 -> 123.675 — the model zoo's own values. */
const fmt = (x: number): string => String(Number(x.toPrecision(7)));

/** hb_mapper mean_value/scale_value from the one preprocessing record (HzPreprocess: (x - mean) * scale on 0-255). */
export function meanScale(rec: PreprocessRecord): { mean_value: string; scale_value: string } {
  return {
    mean_value: rec.mean.map((m) => fmt(255 * m)).join(' '),
    scale_value: rec.std.map((s) => fmt(1 / (255 * s))).join(' '),
  };
}

function omitUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** A recipe's starting hb config: quantize.hb_config (an existing YAML), else empty groups. */
function baseConfig(recipe: Recipe, resolve: (p: string) => string): Partial<HbConfig> {
  return recipe.quantize.hb_config ? readHbConfig(resolve(recipe.quantize.hb_config)) : {};
}

/** The runtime input type the recipe asks of hb_mapper (input_parameters.input_type_rt, in the recipe or its
 *  hb_config), or undefined for the default. */
export function givenInputTypeRt(recipe: Recipe, resolve: (p: string) => string): string | undefined {
  const given =
    recipe.quantize.input_parameters.input_type_rt ?? baseConfig(recipe, resolve).input_parameters?.input_type_rt;
  return given === undefined ? undefined : String(hbList(given)[0]);
}

/** What the board feeds a model trained on `colour` unless the recipe says: the camera's nv12 (gray for gray). */
export const defaultInputTypeRt = (colour: FullRecord['colour']): string => (colour === 'gray' ? 'gray' : 'nv12');

/** The makertbin YAML for a recipe: hb_config, then the recipe's groups, then the quantize knobs, then paths. */
export function buildHbConfig(
  recipe: Recipe,
  rec: PreprocessRecord,
  paths: HbPaths,
  resolve: (p: string) => string = (p) => p,
): HbConfig {
  const q = recipe.quantize;
  const base = baseConfig(recipe, resolve);
  const name = recipe.model.name.replace(/[^\w-]+/g, '_'); // a plain file name (HB_NAME): no dots, so never `..`
  const rt = defaultInputTypeRt(rec.colour);
  const nodeInfo = Object.keys(q.node_info).length > 0 ? q.node_info : undefined;
  const model_parameters = omitUndefined({
    onnx_model: paths.onnxModel,
    march: 'bayes-e' as const,
    layer_out_dump: false,
    working_dir: `${name}_output`,
    output_model_file_prefix: name,
    ...base.model_parameters,
    ...q.model_parameters,
    ...(nodeInfo ? { node_info: nodeInfo } : {}),
  });
  model_parameters.onnx_model = paths.onnxModel;
  const given = { ...base.input_parameters, ...q.input_parameters };
  // mean_value/scale_value only where norm_type uses them (data_scale models such as YOLO take no mean).
  const norm = String(given.norm_type ?? 'data_mean_and_scale');
  const derived = meanScale(rec);
  const input_parameters = omitUndefined({
    input_name: '',
    input_type_rt: rt,
    input_type_train: rec.colour,
    input_layout_train: 'NCHW',
    ...(rt === 'nv12' ? {} : { input_layout_rt: 'NCHW' }),
    input_shape: '',
    norm_type: norm,
    ...(norm.includes('mean') ? { mean_value: derived.mean_value } : {}),
    ...(norm.includes('scale') ? { scale_value: derived.scale_value } : {}),
    ...given,
  });
  const calibration_parameters = omitUndefined({
    cal_data_dir: paths.calDataDir,
    cal_data_type: 'float32',
    ...base.calibration_parameters,
    ...q.calibration_parameters,
    calibration_type: q.calibration_type,
    max_percentile: q.max_percentile,
    per_channel:
      typeof q.per_channel === 'boolean'
        ? q.per_channel
        : (base.calibration_parameters?.per_channel ?? q.calibration_parameters.per_channel),
    run_on_cpu: q.run_on_cpu.length > 0 ? q.run_on_cpu.join(';') : undefined,
    optimization: q.optimization.length > 0 ? q.optimization.join(',') : undefined,
  });
  calibration_parameters.cal_data_dir = paths.calDataDir;
  const compiler_parameters = omitUndefined({
    compile_mode: 'latency',
    debug: false,
    optimize_level: 'O3',
    ...base.compiler_parameters,
    ...q.compiler_parameters,
  });
  return { model_parameters, input_parameters, calibration_parameters, compiler_parameters };
}

/** The config as hb_mapper will read it: PyYAML-exact (a plain `ON:` key would reach the tool as True). */
export function renderHbYaml(config: HbConfig, header: string): string {
  return `# ${oneLine(header)}\n${stringifyForPyYAML(config)}`;
}
