import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserInputError } from '../errors.ts';
import { buildHbConfig } from '../horizon/config.ts';
import { readHbConfig } from '../horizon/read.ts';
import { checkHbConfig } from '../horizon/rules.ts';
import { cannotCalibrate } from './backends.ts';
import type { RecipeProblem } from './issues.ts';
import type { Recipe } from './schema.ts';

/** A cross-field rule: small, named, reporting every problem it sees (changesets style). */
type Rule = (recipe: Recipe, dir: string) => RecipeProblem[];

/** Only what loading itself reads; the model files (checkpoint, module, ONNX) are checked before a run by the
 *  stages that read them (engine/preflight.ts), so mapper-config and --until preprocess need none of them. */
const filesExist: Rule = (r, dir) => {
  const out: RecipeProblem[] = [];
  if (r.quantize.hb_config && !existsSync(resolve(dir, r.quantize.hb_config))) {
    out.push({ path: ['quantize', 'hb_config'], message: `file not found: ${resolve(dir, r.quantize.hb_config)}` });
  }
  return out;
};

const channelsAgree: Rule = (r) => {
  const out: RecipeProblem[] = [];
  const { mean, std, colour } = r.preprocess;
  if (mean && std && mean.length !== std.length) {
    out.push({
      path: ['preprocess', 'std'],
      message: `has ${std.length} values but preprocess.mean has ${mean.length}`,
    });
  }
  const channels = r.input.shape?.[1];
  if (channels !== undefined) {
    for (const [key, list] of [
      ['mean', mean],
      ['std', std],
    ] as const) {
      if (list && list.length !== 1 && list.length !== channels) {
        out.push({
          path: ['preprocess', key],
          message: `has ${list.length} values but the input has ${channels} channels`,
        });
      }
    }
    if (colour === 'gray' && channels !== 1)
      out.push({ path: ['preprocess', 'colour'], message: `gray needs 1 input channel, input.shape has ${channels}` });
    if (colour && colour !== 'gray' && channels !== 3)
      out.push({
        path: ['preprocess', 'colour'],
        message: `${colour} needs 3 input channels, input.shape has ${channels}`,
      });
  }
  return out;
};

/** The backend that will run (auto already resolved) must be able to run the calibration method (recipe/backends.ts). */
const backendSupportsMethod: Rule = (r) => {
  if (r.quantize.backend === 'auto') return []; // not resolved (a command that runs no backend): neither applies
  const why = cannotCalibrate(r.quantize.backend, r.quantize.calibration_type);
  return why ? [{ path: ['quantize', 'calibration_type'], message: why }] : [];
};

/** quantize.hb_config is read with the toolchain's schema whatever the backend (its names reach files and shells). */
const hbConfigFileValid: Rule = (r, dir) => {
  if (!r.quantize.hb_config || !existsSync(resolve(dir, r.quantize.hb_config))) return [];
  try {
    readHbConfig(resolve(dir, r.quantize.hb_config));
    return [];
  } catch (err) {
    if (!(err instanceof UserInputError)) throw err;
    return [{ path: ['quantize', 'hb_config'], message: err.problems.join('; ') }];
  }
};

/** The toolchain's own checks on what the recipe says, before anything runs (the record's values come later). */
const hbConfigValid: Rule = (r, dir) => {
  if (r.quantize.backend !== 'horizon') return [];
  const channels = r.input.shape?.[1] ?? (r.preprocess.colour === 'gray' ? 1 : 3);
  const colour = r.preprocess.colour ?? (channels === 1 ? 'gray' : 'rgb');
  const record = {
    input_name: r.input.name,
    input_shape: r.input.shape ?? [1, channels, 2, 2],
    colour,
    mean: r.preprocess.mean ?? Array(channels).fill(0.5),
    std: r.preprocess.std ?? Array(channels).fill(0.5),
  };
  let config: ReturnType<typeof buildHbConfig>;
  try {
    config = buildHbConfig(r, record, { onnxModel: './model.onnx', calDataDir: './calibration' }, (p) =>
      resolve(dir, p),
    );
  } catch (err) {
    if (err instanceof UserInputError) return []; // an unreadable hb_config: filesExist / hbConfigFileValid say so
    throw err;
  }
  return checkHbConfig(config, { inputs: 1, shape: r.input.shape }).errors;
};

/** OpenVINO runs the host int8 model: one exists under emulate host, or beside the bpu one with host_model. */
const hostRuntimeHasAHostModel: Rule = (r) => {
  const q = r.quantize;
  if (q.host_runtime === 'ort' || (q.backend !== 'horizon' && (q.emulate === 'host' || q.host_model))) return [];
  return [
    {
      path: ['quantize', 'host_runtime'],
      message: `openvino runs the host int8 model of the ort backend (quantize.emulate: host, or emulate bpu with host_model: true); this recipe has ${q.backend === 'horizon' ? 'backend horizon' : 'emulate bpu without host_model'}`,
    },
  ];
};

export const RULES: Record<string, Rule> = {
  filesExist,
  hostRuntimeHasAHostModel,
  channelsAgree,
  backendSupportsMethod,
  hbConfigFileValid,
  hbConfigValid,
};

export function checkRules(recipe: Recipe, dir: string): RecipeProblem[] {
  return Object.values(RULES).flatMap((rule) => rule(recipe, dir));
}
