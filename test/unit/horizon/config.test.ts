import { writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { meanScale, renderHbYaml } from '../../../pipeline/horizon/config.ts';
import { readHbConfig } from '../../../pipeline/horizon/import.ts';
import { normalizeConfig } from '../../../pipeline/horizon/normalize.ts';
import { checkHbConfig } from '../../../pipeline/horizon/rules.ts';
import type { HbConfig } from '../../../pipeline/horizon/schema.ts';
import { CONFIGS, regenerate, withoutPaths, YAML_DIR } from '../../helpers/hb-configs.ts';
import { tmp } from '../../helpers/tmp.ts';

describe('hb_mapper configs', () => {
  it('mean_value/scale_value from the preprocessing record are the model zoo values', () => {
    expect(
      meanScale({
        input_name: 'data',
        input_shape: [1, 3, 224, 224],
        colour: 'rgb',
        mean: [0.485, 0.456, 0.406],
        std: [0.229, 0.224, 0.225],
      }),
    ).toEqual({ mean_value: '123.675 116.28 103.53', scale_value: '0.01712475 0.017507 0.01742919' });
  });

  it.each(CONFIGS)('import %s -> recipe -> config is equivalent after hb_mapper normalization', (path) => {
    const { original, generated, recipe, recipeFile, onnx } = regenerate(path);
    expect(recipe.quantize.backend).toBe('auto');
    expect(recipe.model.name).toBe(basename(path).replace(/(_config)?\.yaml$/, ''));
    expect('onnx' in recipe.model.source && resolve(dirname(recipeFile), recipe.model.source.onnx)).toBe(onnx);
    expect(withoutPaths(generated)).toEqual(withoutPaths(original));
    expect(checkHbConfig(generated, { inputs: 1 }).errors).toEqual([]);
    expect(renderHbYaml(generated, 'test')).toContain('model_parameters');
  });

  it('reads hb_mapper configs as PyYAML does: unquoted ON is True (warned), a repeated key keeps its last value (warned with both lines), flow maps may close at column 1', () => {
    const dir = tmp('zf-pyyaml-');
    const f = join(dir, 'c.yaml');
    writeFileSync(
      f,
      [
        'model_parameters:',
        '  onnx_model: m.onnx',
        '  march: bayes-e',
        '  node_info: {',
        '    "a": {ON: BPU},',
        '    "a": {\'ON\': CPU}',
        '}',
        'input_parameters:',
        '  input_type_rt: nv12',
        '  input_type_train: rgb',
        'calibration_parameters:',
        '  calibration_type: default',
        '  per_channel: yes',
        'compiler_parameters: {}',
        '',
      ].join('\n'),
    );
    const warnings: string[] = [];
    const hb = readHbConfig(f, (w) => warnings.push(w));
    expect(hb.model_parameters.node_info).toEqual({ a: { ON: 'CPU' } });
    expect(hb.calibration_parameters!.per_channel).toBe(true);
    expect(warnings).toEqual([
      expect.stringMatching(
        /c\.yaml:5: key ON under model_parameters\.node_info\.a is read by hb_mapper \(PyYAML\) as true, not a name: quote it \('ON'\)/,
      ),
      expect.stringMatching(
        /c\.yaml:6: model_parameters\.node_info\.a repeats the key of line 5: hb_mapper \(PyYAML\) keeps this last value/,
      ),
    ]);
  });

  const base = (): HbConfig => readHbConfig(join(YAML_DIR, 'ResNeXt50_32x4d_config.yaml'));
  it.each([
    [
      'an illegal train -> rt pair',
      (c: HbConfig) => {
        c.input_parameters.input_type_train = 'gray';
      },
      'quantize.input_parameters.input_type_rt: input 0: input_type_train gray cannot become input_type_rt nv12 (allowed: gray)',
    ],
    [
      'nv12 with odd sizes',
      (c: HbConfig) => {
        void c;
      },
      'quantize.input_parameters.input_type_rt: nv12 needs even height and width, the input is 223x224',
      [1, 3, 223, 224],
    ],
    [
      'rgb runtime input without layout',
      (c: HbConfig) => {
        c.input_parameters.input_type_rt = 'rgb';
      },
      'quantize.input_parameters.input_layout_rt: input 0: input_layout_rt (NCHW or NHWC) is required for input_type_rt rgb',
    ],
    [
      'two mean values for three channels',
      (c: HbConfig) => {
        c.input_parameters.mean_value = '1 2';
      },
      'quantize.input_parameters.mean_value: input 0: 2 values for 3 channels (give 1 or 3)',
    ],
    [
      'a list for two inputs on a one-input model',
      (c: HbConfig) => {
        c.input_parameters.input_type_rt = 'nv12;nv12';
      },
      "quantize.input_parameters.input_type_rt: has 2 ';'-separated entries but the model has 1 input(s)",
    ],
    [
      'max_percentile above 1',
      (c: HbConfig) => {
        c.calibration_parameters!.max_percentile = 1.5;
      },
      'quantize.calibration_parameters.max_percentile: Invalid max_percentile: 1.5, avaliable range: 0~1 (exclusive of 0)',
    ],
    [
      'optimize_level O4',
      (c: HbConfig) => {
        c.compiler_parameters!.optimize_level = 'O4';
      },
      'quantize.compiler_parameters.optimize_level: expected one of O0|O1|O2|O3, got O4',
    ],
    [
      'two cores on X5',
      (c: HbConfig) => {
        c.compiler_parameters!.core_num = 2;
      },
      'quantize.compiler_parameters.core_num: bayes-e supports core_num 1, got 2',
    ],
    [
      'int16 on X3',
      (c: HbConfig) => {
        c.model_parameters.march = 'bernoulli2';
        c.model_parameters.node_info = 'Conv_0:int16';
      },
      'quantize.model_parameters.node_info: RDK X3 (bernoulli2) has no int16: use run_on_cpu for sensitive nodes',
    ],
    [
      'balance without balance_factor',
      (c: HbConfig) => {
        c.compiler_parameters!.compile_mode = 'balance';
      },
      'quantize.compiler_parameters.balance_factor: balance_factor is required with compile_mode balance, and only then',
    ],
  ])('rejects %s', (_what, mutate, message, shape = [1, 3, 224, 224]) => {
    const c = base();
    mutate(c);
    expect(
      checkHbConfig(c, { inputs: 1, shape: shape as number[] }).errors.map((e) => `${e.path.join('.')}: ${e.message}`),
    ).toEqual([message]);
  });

  it('flags calibration_type skip as unusable for accuracy', () => {
    const c = base();
    c.calibration_parameters!.calibration_type = 'skip';
    expect(checkHbConfig(c, { inputs: 1 }).warnings[0]).toMatch(/never for accuracy/);
  });

  it("normalizes the tool's value forms alike: quoting, lists, numbers, booleans, node_info", () => {
    const a = normalizeConfig({
      model_parameters: { layer_out_dump: 'False', node_info: 'n1:int16;n2:int16' },
      input_parameters: { mean_value: '123.675,116.28,103.53', input_type_rt: "'nv12;'" },
    });
    const b = normalizeConfig({
      model_parameters: {
        layer_out_dump: false,
        node_info: { n1: { OutputType: 'int16' }, n2: { OutputType: 'int16' } },
      },
      input_parameters: { mean_value: '123.675 116.28 103.53', input_type_rt: 'nv12' },
    });
    expect(a).toEqual(b);
    // the zoo writes node_info keys quoted ('ON': 'BPU'): read as the string key ON, never YAML 1.1's boolean
    const edge = normalizeConfig(readHbConfig(join(YAML_DIR, 'EdgeNeXt_xx_small_config.yaml'))).model_parameters
      .node_info as Record<string, unknown>;
    expect(Object.keys(edge).length).toBeGreaterThan(0);
    for (const entry of Object.values(edge))
      expect(entry).toEqual({ ON: 'BPU', InputType: 'int16', OutputType: 'int16' });
  });
});
