import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildHbConfig, meanScale, renderHbYaml } from '../../pipeline/horizon/config.ts';
import { importHbConfig, readHbConfig } from '../../pipeline/horizon/import.ts';
import { normalizeConfig } from '../../pipeline/horizon/normalize.ts';
import { stringifyForPyYAML } from '../../pipeline/horizon/pyyaml.ts';
import { checkHbConfig } from '../../pipeline/horizon/rules.ts';
import type { HbConfig } from '../../pipeline/horizon/schema.ts';
import { PROJECT_ROOT, SHARED_DIR, VENV_PYTHON } from '../../pipeline/paths.ts';
import { loadRecipe } from '../../pipeline/recipe/load.ts';
import { zooforge } from '../helpers/cli.ts';
import { tmp } from '../helpers/tmp.ts';

const YAML_DIR = join(SHARED_DIR, 'fixtures', 'horizon', 'yaml');
const ZOO_HB = join(PROJECT_ROOT, 'yaml', 'zoo', 'hb');
const withoutPaths = (c: HbConfig) => {
  const n = normalizeConfig(c);
  delete n.model_parameters.onnx_model;
  delete n.calibration_parameters?.cal_data_dir;
  return n;
};

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

  // the recorded toolchain configs and all 47 of the X5 classification zoo's
  const CONFIGS = [
    ...readdirSync(YAML_DIR).map((f) => join(YAML_DIR, f)),
    ...readdirSync(ZOO_HB).map((f) => join(ZOO_HB, f)),
  ];
  const rendered: { file: string; text: string; intended: HbConfig }[] = [];

  it.each(CONFIGS)('import %s -> recipe -> config is equivalent after hb_mapper normalization', (path) => {
    const dir = tmp('zf-import-');
    const src = join(dir, 'configs', basename(path));
    mkdirSync(dirname(src), { recursive: true });
    copyFileSync(path, src);
    const original = readHbConfig(src);
    // The recipe loader checks that referenced files exist: stand-ins for the model and the calibration dir.
    const onnx = resolve(dirname(src), original.model_parameters.onnx_model!);
    mkdirSync(dirname(onnx), { recursive: true });
    writeFileSync(onnx, '');
    mkdirSync(resolve(dirname(src), String(original.calibration_parameters!.cal_data_dir)), { recursive: true });

    const recipeFile = join(dir, 'recipes', 'imported.yaml');
    mkdirSync(dirname(recipeFile), { recursive: true });
    writeFileSync(recipeFile, importHbConfig(src, dirname(recipeFile)).text);
    const { recipe } = loadRecipe(recipeFile);
    expect(recipe.quantize.backend).toBe('auto');
    expect(recipe.model.name).toBe(basename(path).replace(/(_config)?\.yaml$/, ''));
    expect('onnx' in recipe.model.source && resolve(dirname(recipeFile), recipe.model.source.onnx)).toBe(onnx);

    const record = {
      input_name: 'x',
      input_shape: [1, 3, 224, 224],
      colour: 'rgb' as const,
      mean: recipe.preprocess.mean ?? [0.5],
      std: recipe.preprocess.std ?? [0.5],
    };
    const generated = buildHbConfig(recipe, record, { onnxModel: './model.onnx', calDataDir: './cal' });
    expect(withoutPaths(generated)).toEqual(withoutPaths(original));
    expect(checkHbConfig(generated, { inputs: 1 }).errors).toEqual([]);
    rendered.push({ file: path, text: renderHbYaml(generated, 'test'), intended: generated });
  });

  it("every generated config loads under PyYAML (hb_mapper's reader) to exactly the values meant, field by field", async () => {
    expect(rendered.length).toBe(CONFIGS.length);
    const py = await execa(
      VENV_PYTHON,
      ['-c', 'import json, sys, yaml\nprint(json.dumps([yaml.safe_load(t) for t in json.load(sys.stdin)]))'],
      { input: JSON.stringify(rendered.map((r) => r.text)) },
    );
    const loaded = JSON.parse(py.stdout) as unknown[];
    for (const [i, r] of rendered.entries()) expect(loaded[i], r.file).toEqual(JSON.parse(JSON.stringify(r.intended)));
    // the zoo's transformer configs: every node_info entry keeps the string key ON
    const ef = loaded[rendered.findIndex((r) => r.file.endsWith('EfficientFormer_l1_config.yaml'))] as HbConfig;
    expect(
      Object.values(ef.model_parameters.node_info as Record<string, object>).every((e) => Object.keys(e)[0] === 'ON'),
    ).toBe(true);
  });

  it('hostile and YAML-1.1 scalars survive the PyYAML round trip: ON/OFF/yes/no/~/null, 0123, 1:30, .5, empty, names with : # {', async () => {
    const tricky = [
      'ON',
      'OFF',
      'on',
      'off',
      'yes',
      'No',
      'y',
      'n',
      'null',
      'Null',
      '~',
      '',
      ' ',
      '0123',
      '0o17',
      '0x1F',
      '0b101',
      '1:30',
      '190:20:30',
      '.5',
      '1e5',
      '1.0e+5',
      '.inf',
      '-.Inf',
      '.NaN',
      '=',
      '<<',
      '!',
      '&a',
      '*a',
      'a: b',
      'a #b',
      '#c',
      '{x',
      '[y',
      'x}',
      '- z',
      '2001-12-14',
      '12:30:00',
      "it's",
      '"q"',
      'tab\tin',
      'line\nbreak',
      'ü',
      '123',
      '-7',
      '+3',
    ];
    const value = {
      strings: Object.fromEntries(tricky.map((t, i) => [t || `empty${i}`, t])),
      list: tricky,
      numbers: [0, -1, 3.5, 1e-7, 2.5e30, -0.000123, 1e21, 123456789012],
      flags: [true, false, null],
      node_info: { '/blocks.0/attn/Softmax': { ON: 'BPU', InputType: 'int16', OutputType: 'int16' } },
    };
    const py = await execa(
      VENV_PYTHON,
      ['-c', 'import json, sys, yaml\nprint(json.dumps(yaml.safe_load(sys.stdin.read())))'],
      { input: stringifyForPyYAML(value) },
    );
    expect(JSON.parse(py.stdout)).toEqual(value);
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

  it('zooforge mapper-config yaml/resnext50_32x4d.yaml is the zoo ResNeXt50_32x4d config (paths aside)', async () => {
    const r = await zooforge(['mapper-config', 'yaml/resnext50_32x4d.yaml']);
    expect(r.exitCode).toBe(0);
    const ours = parse(r.stdout) as HbConfig;
    expect(withoutPaths(ours)).toEqual(withoutPaths(readHbConfig(join(YAML_DIR, 'ResNeXt50_32x4d_config.yaml'))));
    expect(ours.model_parameters.onnx_model).toBe('./model.onnx');
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
