import type { RecipeProblem } from '../recipe/issues.ts';
import { normalizeConfig } from './normalize.ts';
import type { HbConfig, HbGroupName } from './schema.ts';

/** Legal input_type_train -> input_type_rt (reference §1.2, the tool's legal_trans_dict). */
const LEGAL_RT: Record<string, string[]> = {
  yuv444: ['nv12', 'yuv444'],
  rgb: ['nv12', 'yuv444', 'rgb', 'bgr'],
  bgr: ['nv12', 'yuv444', 'rgb', 'bgr'],
  gray: ['gray'],
  featuremap: ['featuremap'],
};
const CORES: Record<string, number[]> = { bernoulli2: [1, 2], bayes: [1, 2], 'bayes-e': [1] };

export interface HbCheck {
  errors: RecipeProblem[];
  warnings: string[];
}

// biome-ignore lint/suspicious/noExplicitAny: normalized values of the kinds normalizeField returns, read by rules that know their field
type Groups = Record<string, Record<string, any>>;
type Rule = (
  g: Groups,
  ctx: { inputs: number; shape?: number[] },
) => { field: [HbGroupName, string]; message: string }[];

const pairs: Rule = (g) => {
  const train = g.input_parameters.input_type_train ?? [];
  const rt = g.input_parameters.input_type_rt ?? [];
  return train.flatMap((t: string | null, i: number) =>
    t && rt[i] && !(LEGAL_RT[t] ?? []).includes(rt[i])
      ? [
          {
            field: ['input_parameters', 'input_type_rt'] as [HbGroupName, string],
            message: `input ${i}: input_type_train ${t} cannot become input_type_rt ${rt[i]} (allowed: ${(LEGAL_RT[t] ?? []).join(', ') || 'none'})`,
          },
        ]
      : [],
  );
};

const layoutRt: Rule = (g) =>
  (g.input_parameters.input_type_rt ?? []).flatMap((rt: string | null, i: number) =>
    rt && rt !== 'nv12' && !(g.input_parameters.input_layout_rt ?? [])[i]
      ? [
          {
            field: ['input_parameters', 'input_layout_rt'] as [HbGroupName, string],
            message: `input ${i}: input_layout_rt (NCHW or NHWC) is required for input_type_rt ${rt}`,
          },
        ]
      : [],
  );

const evenNv12: Rule = (g, { shape }) => {
  const isNv12 = (g.input_parameters.input_type_rt ?? []).includes('nv12');
  return isNv12 && shape && (shape[2] % 2 || shape[3] % 2)
    ? [
        {
          field: ['input_parameters', 'input_type_rt'],
          message: `nv12 needs even height and width, the input is ${shape[2]}x${shape[3]}`,
        },
      ]
    : [];
};

const listCounts: Rule = (g, { inputs }) => {
  const out: ReturnType<Rule> = [];
  for (const [group, key] of [
    ['input_parameters', 'input_type_rt'],
    ['input_parameters', 'input_type_train'],
    ['input_parameters', 'input_layout_train'],
    ['input_parameters', 'norm_type'],
    ['input_parameters', 'mean_value'],
    ['input_parameters', 'scale_value'],
    ['calibration_parameters', 'cal_data_dir'],
  ] as [HbGroupName, string][]) {
    const v = g[group]?.[key];
    if (Array.isArray(v) && v.length !== inputs)
      out.push({
        field: [group, key],
        message: `has ${v.length} ';'-separated entries but the model has ${inputs} input(s)`,
      });
  }
  return out;
};

const channels: Rule = (g, { shape }) => {
  const c = shape?.[1];
  return (['mean_value', 'scale_value'] as const).flatMap((key) =>
    (g.input_parameters[key] ?? []).flatMap((nums: number[] | null, i: number) =>
      nums && c && nums.length !== 1 && nums.length !== c
        ? [
            {
              field: ['input_parameters', key] as [HbGroupName, string],
              message: `input ${i}: ${nums.length} values for ${c} channels (give 1 or ${c})`,
            },
          ]
        : nums?.some((x) => !Number.isFinite(x))
          ? [{ field: ['input_parameters', key] as [HbGroupName, string], message: `input ${i}: not a number list` }]
          : [],
    ),
  );
};

const ranges: Rule = (g) => {
  const out: ReturnType<Rule> = [];
  const c = g.calibration_parameters ?? {};
  const k = g.compiler_parameters ?? {};
  const march = g.model_parameters.march as string | undefined;
  if (c.max_percentile !== undefined && !(c.max_percentile > 0 && c.max_percentile <= 1))
    out.push({
      field: ['calibration_parameters', 'max_percentile'],
      message: `Invalid max_percentile: ${c.max_percentile}, avaliable range: 0~1 (exclusive of 0)`,
    });
  if (k.optimize_level !== undefined && !['O0', 'O1', 'O2', 'O3'].includes(k.optimize_level))
    out.push({
      field: ['compiler_parameters', 'optimize_level'],
      message: `expected one of O0|O1|O2|O3, got ${k.optimize_level}`,
    });
  if (k.core_num !== undefined && march && !CORES[march]?.includes(k.core_num))
    out.push({
      field: ['compiler_parameters', 'core_num'],
      message: `${march} supports core_num ${CORES[march].join(' or ')}, got ${k.core_num}`,
    });
  if ((k.compile_mode === 'balance') !== (k.balance_factor !== undefined))
    out.push({
      field: ['compiler_parameters', 'balance_factor'],
      message: 'balance_factor is required with compile_mode balance, and only then',
    });
  if (k.compile_mode !== undefined && !['latency', 'bandwidth', 'balance'].includes(k.compile_mode))
    out.push({
      field: ['compiler_parameters', 'compile_mode'],
      message: `expected one of latency|bandwidth|balance, got ${k.compile_mode}`,
    });
  return out;
};

const noInt16OnX3: Rule = (g) => {
  if (g.model_parameters.march !== 'bernoulli2') return [];
  const int16 =
    Object.values(g.model_parameters.node_info ?? {}).some((v) => Object.values(v as object).includes('int16')) ||
    (g.calibration_parameters?.optimization ?? []).some((o: string) => o.includes('int16'));
  return int16
    ? [
        {
          field: ['model_parameters', 'node_info'],
          message: 'RDK X3 (bernoulli2) has no int16: use run_on_cpu for sensitive nodes',
        },
      ]
    : [];
};

const RULES: Rule[] = [pairs, layoutRt, evenNv12, listCounts, channels, ranges, noInt16OnX3];

/** The toolchain's own checks, before anything runs. Paths point into the recipe's quantize section. */
export function checkHbConfig(config: HbConfig, ctx: { inputs: number; shape?: number[] }): HbCheck {
  const g = normalizeConfig(config) as Groups;
  for (const k of ['model_parameters', 'input_parameters', 'calibration_parameters', 'compiler_parameters'])
    g[k] ??= {};
  const errors = RULES.flatMap((r) => r(g, ctx)).map((p) => ({ path: ['quantize', ...p.field], message: p.message }));
  const warnings =
    g.calibration_parameters.calibration_type === 'skip'
      ? [
          'calibration_type skip calibrates on random data: the model is only good for performance and flow checks, never for accuracy',
        ]
      : [];
  return { errors, warnings };
}
