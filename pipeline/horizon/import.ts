import { basename, dirname, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { oneLine } from '../text/one-line.ts';
import { hbBool, hbList, hbNodeInfo, hbNumbers } from './normalize.ts';
import { readHbConfig } from './read.ts';
import type { HbConfig } from './schema.ts';

export { readHbConfig };

const MOVED_TO_QUANTIZE = [
  'calibration_type',
  'max_percentile',
  'per_channel',
  'run_on_cpu',
  'optimization',
  'cal_data_dir',
] as const;

/** The recipe sections an hb_mapper config amounts to: hb_mapper's own groups under quantize (verbatim), the
 *  input shape, mean/std derived from mean_value/scale_value, the calibration folder. Paths are rewritten relative
 *  to the folder the recipe will live in; `notes` collects what the user must know. */
export function recipeFromHbConfig(hb: HbConfig, file: string, recipeDir: string, notes: string[]) {
  const from = (p: string): string => relative(recipeDir, resolve(dirname(file), p)) || '.';
  const { onnx_model, node_info, ...model_parameters } = hb.model_parameters;
  const ip = hb.input_parameters;
  const cp = hb.calibration_parameters ?? {};
  const mean = ip.mean_value !== undefined ? hbNumbers(ip.mean_value)[0] : null;
  const scale = ip.scale_value !== undefined ? hbNumbers(ip.scale_value)[0] : null;
  const colour = hbList(ip.input_type_train ?? 'rgb')[0];
  if (colour === 'featuremap' || colour === 'yuv444')
    notes.push(
      `input_type_train ${colour}: images cannot be preprocessed into it; calibration must use hb_calibration_dir`,
    );
  const shape = ip.input_shape ? hbList(ip.input_shape)[0]?.split('x').map(Number) : undefined;
  const calDir = cp.cal_data_dir ? hbList(cp.cal_data_dir)[0] : null;
  const quantize: Record<string, unknown> = {
    backend: 'auto', // hb_mapper where it is installed, else the embedded ort backend
    calibration_type: cp.calibration_type ?? 'default',
    ...(cp.max_percentile !== undefined ? { max_percentile: Number(cp.max_percentile) } : {}),
    ...(cp.per_channel !== undefined ? { per_channel: hbBool(cp.per_channel) } : {}),
    ...(cp.run_on_cpu ? { run_on_cpu: hbList(cp.run_on_cpu).filter(Boolean) } : {}),
    ...(cp.optimization
      ? {
          optimization: String(cp.optimization)
            .split(/[,;]/)
            .map((s) => s.trim())
            .filter(Boolean),
        }
      : {}),
    ...(node_info ? { node_info: hbNodeInfo(node_info) } : {}),
    model_parameters,
    input_parameters: ip,
    calibration_parameters: Object.fromEntries(
      Object.entries(cp).filter(([k]) => !(MOVED_TO_QUANTIZE as readonly string[]).includes(k)),
    ),
    compiler_parameters: hb.compiler_parameters ?? {},
  };
  const named =
    Object.keys((quantize.node_info as object | undefined) ?? {}).length +
    ((quantize.run_on_cpu as [] | undefined)?.length ?? 0);
  if (named)
    notes.push(
      `${named} node name(s) in node_info/run_on_cpu are the names of the config's own ONNX export: the node_names stage finds each in the graph zooforge exports (exactly, as hb_mapper's own name, or translated from the original model's names) and a run stops on any it cannot find (check them alone with: zooforge run <recipe> --until node_names)`,
    );
  return {
    onnx: onnx_model ? from(onnx_model) : undefined,
    input: shape?.length === 4 && shape[0] === 1 ? { shape } : undefined,
    preprocess: {
      ...(colour && ['rgb', 'bgr', 'gray'].includes(colour) ? { colour } : {}),
      // HzPreprocess: (x - mean_value) * scale_value on 0-255 pixels == (x/255 - mean) / std
      ...(mean ? { mean: mean.map((m) => m / 255) } : {}),
      ...(scale ? { std: scale.map((s) => 1 / (255 * s)) } : {}),
    },
    calibration: calDir
      ? {
          dataset: {
            hb_calibration_dir: { path: from(calDir), dtype: hbList(cp.cal_data_type ?? 'float32')[0] ?? 'float32' },
          },
        }
      : undefined,
    quantize,
  };
}

/** A zoo model the config belongs to: its name, public source and input size (from the zoo catalog). */
export interface KnownModel {
  name: string;
  source: { timm: string } | { torchvision: string };
  size: string;
}

/** The model name an hb_mapper config file stands for: its file name (the zoo's output prefixes repeat: all four
 *  FastViT configs write FastViT_224x224_nv12). */
export const configModelName = (file: string): string => basename(file).replace(/(_config)?\.ya?ml$/i, '');

/** hb_mapper YAML -> a zooforge recipe whose generated config is equivalent (same fields and values after the
 *  tool's normalization). Paths are rewritten relative to the folder the recipe will live in. */
export function importHbConfig(file: string, recipeDir: string, known?: KnownModel): { text: string; notes: string[] } {
  const notes: string[] = [];
  const hb = readHbConfig(file, (w) => notes.push(w));
  const parts = recipeFromHbConfig(hb, file, recipeDir, notes);
  if (!parts.onnx && !known) notes.push('the config has no onnx_model (caffe?): set model.source by hand');
  const [h, w] = known?.size.split('x').map(Number) ?? [];
  const recipe = {
    // a zoo model regenerates from its public source; any other config keeps the ONNX file it names
    model: known
      ? { name: known.name, source: known.source, pretrained: true }
      : { name: configModelName(file), source: { onnx: parts.onnx ?? 'MODEL.onnx' }, pretrained: false },
    ...(parts.input ? { input: parts.input } : known && h && w ? { input: { shape: [1, 3, h, w] } } : {}),
    preprocess: parts.preprocess,
    ...(parts.calibration ? { calibration: parts.calibration } : {}),
    quantize: parts.quantize,
  };
  const header =
    `# Imported from ${oneLine(file)} by zooforge import.\n# hb_mapper's own groups are kept verbatim under quantize; mean/std below are derived from mean_value/scale_value.\n` +
    (known
      ? `# ${oneLine(known.name)} is a zoo model: its source is the catalog's (pretrained weights need network access; --set model.pretrained=false for random ones).\n`
      : '# model.source: the ONNX file the config names; for a PyTorch model set model.source to {timm: name} or {module: file.py:factory}.\n');
  return { text: header + stringify(recipe, { lineWidth: 0 }), notes };
}
