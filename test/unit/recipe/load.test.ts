import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UserInputError } from '../../../pipeline/errors.ts';
import { PROJECT_ROOT } from '../../../pipeline/paths.ts';
import { BACKENDS, cannotCalibrate } from '../../../pipeline/recipe/backends.ts';
import { loadRecipe } from '../../../pipeline/recipe/load.ts';
import { CALIBRATION_TYPES } from '../../../pipeline/recipe/quantize-schema.ts';
import { RecipeSchema } from '../../../pipeline/recipe/schema.ts';
import { tmp } from '../../helpers/tmp.ts';

const HEAD = 'model: {name: m, source: {timm: resnet18}}\ncalibration:\n  dataset: {fashion_mnist: {split: train}}\n';

function problems(text: string, overrides: string[] = []): string[] {
  const file = join(tmp('zf-recipe-'), 'x.yaml');
  writeFileSync(file, text);
  try {
    loadRecipe(file, overrides);
  } catch (err) {
    expect(err).toBeInstanceOf(UserInputError);
    const shown = relative(process.cwd(), file);
    return (err as UserInputError).problems.map((p) => p.replace(shown, 'x.yaml'));
  }
  return [];
}

describe('recipe loading', () => {
  it.each([
    [
      'an unknown calibration method',
      `${HEAD}quantize:\n  calibration_type: kll\n`,
      ['x.yaml:5:21: quantize.calibration_type: expected one of default|mix|kl|max|load|skip, got "kll"'],
    ],
    [
      'a misspelled key',
      `${HEAD}quantize:\n  calibraton_type: kl\n`,
      ['x.yaml:5:3: quantize.calibraton_type: unknown field (did you mean calibration_type?)'],
    ],
    [
      'a percentile out of range',
      `${HEAD}quantize: {max_percentile: 1.5}\n`,
      ['x.yaml:4:28: quantize.max_percentile: expected <= 1, got number 1.5'],
    ],
    ['a wrong type', `${HEAD}export:\n  opset: eleven\n`, ['x.yaml:5:10: export.opset: expected number, got "eleven"']],
    [
      'a missing model name',
      'model: {source: {timm: resnet18}}\nquantize: {calibration_type: skip}\n',
      ['x.yaml:1:8: model.name: required field is missing (expected string)'],
    ],
    [
      'a bad dataset form',
      `model: {name: m, source: {timm: r}}\nevaluate:\n  dataset: {flder: {path: x}}\nquantize: {calibration_type: skip}\n`,
      ['x.yaml:3:12: evaluate.dataset: expected one of fashion_mnist|folder|hb_calibration_dir, got {flder}'],
    ],
    [
      'a bad field inside the chosen dataset form',
      `model: {name: m, source: {timm: r}}\ncalibration:\n  dataset: {fashion_mnist: {split: tran}}\n`,
      ['x.yaml:3:36: calibration.dataset.fashion_mnist.split: expected one of train|test, got "tran"'],
    ],
    [
      'mean/std of different lengths',
      `${HEAD}preprocess: {mean: [0.5, 0.5, 0.5], std: [0.5]}\n`,
      ['x.yaml:4:42: preprocess.std: has 1 values but preprocess.mean has 3'],
    ],
    [
      'several problems at once',
      `${HEAD}quantize: {calibration_type: kll, backend: tpu}\nexport: {opset: 99}\n`,
      [
        'x.yaml:4:30: quantize.calibration_type: expected one of default|mix|kl|max|load|skip, got "kll"',
        'x.yaml:4:44: quantize.backend: expected one of auto|ort|horizon, got "tpu"',
        'x.yaml:5:17: export.opset: expected <= 21, got number 99',
      ],
    ],
    [
      'an hb_mapper rule, checked at load time',
      `${HEAD}quantize:\n  backend: horizon\n  model_parameters: {march: bayes-e}\n  compiler_parameters:\n    core_num: 2\n`,
      ['x.yaml:8:15: quantize.compiler_parameters.core_num: bayes-e supports core_num 1, got 2'],
    ],
    [
      'invalid YAML',
      'model: {name: m\n',
      ['x.yaml:2:1: Flow map in block collection must be sufficiently indented and end with a }'],
    ],
  ])('reports %s with file:line:col', (_what, text, expected) => {
    expect(problems(text)).toEqual(expected);
  });

  it('checks the cross-field rules against the backend auto resolves to', () => {
    const file = join(tmp(), 'auto.yaml');
    writeFileSync(file, `${HEAD}quantize:\n  calibration_type: mix\n  compiler_parameters: {core_num: 2}\n`);
    const as =
      (backend: 'ort' | 'horizon') =>
      (r: { quantize: { backend: string } }): string => {
        r.quantize.backend = backend;
        return `auto -> ${backend}`;
      };
    const fails = (backend: 'ort' | 'horizon'): string[] => {
      try {
        loadRecipe(file, [], { resolveBackend: as(backend) });
        return [];
      } catch (err) {
        return (err as UserInputError).problems.map((p) => p.replace(/^.*auto\.yaml/, 'x.yaml'));
      }
    };
    expect(fails('ort')).toEqual([
      'x.yaml:5:21: quantize.calibration_type: mix is hb_mapper-only (its layer-wise mix of methods has no ort equivalent); the ort backend runs default|kl|max',
    ]);
    expect(fails('horizon')).toEqual([
      'x.yaml:6:35: quantize.compiler_parameters.core_num: bayes-e supports core_num 1, got 2',
    ]);
    expect(() => loadRecipe(file)).not.toThrow(); // unresolved auto (e.g. mapper-config): neither backend's rules apply
  });

  it('every calibration method a backend cannot run is refused at load, at its line; every one it can run loads', () => {
    for (const backend of ['ort', 'horizon'] as const) {
      for (const type of CALIBRATION_TYPES) {
        const found = problems(`${HEAD}quantize:\n  backend: ${backend}\n  calibration_type: ${type}\n`);
        const allowed = (BACKENDS[backend].calibration_types as readonly string[]).includes(type);
        if (allowed) expect(found, `${backend} ${type}`).toEqual([]);
        else
          expect(found, `${backend} ${type}`).toEqual([
            `x.yaml:6:21: quantize.calibration_type: ${cannotCalibrate(backend, type)}`,
          ]);
      }
    }
    expect(cannotCalibrate('ort', 'skip')).toMatch(
      /^skip calibrates on random data.*the ort backend runs default\|kl\|max$/,
    );
  });

  it('refuses quantize.host_runtime openvino where no host int8 model is built, at its field', () => {
    const ort = `${HEAD}quantize: {backend: ort, host_runtime: openvino}\n`;
    expect(problems(ort)).toEqual([
      expect.stringMatching(
        /^x\.yaml:\d+:\d+: quantize\.host_runtime: openvino runs the host int8 model of the ort backend .*; this recipe has emulate bpu without host_model$/,
      ),
    ]);
    expect(problems(ort, ['quantize.emulate=host'])).toEqual([]);
    expect(problems(ort, ['quantize.host_model=true'])).toEqual([]);
  });

  it('names --set overrides as the source of a bad value', () => {
    expect(problems(HEAD, ['quantize.calibration_type=kll'])).toEqual([
      'x.yaml (--set): quantize.calibration_type: expected one of default|mix|kl|max|load|skip, got "kll"',
    ]);
  });

  it('names a recipe file whose name holds a newline or an escape on one line per problem', () => {
    const file = join(tmp('zf-recipe-'), 'two\nlines \u001b[31m.yaml');
    writeFileSync(file, 'model: {name: m, source: {timm: resnet18}}\nquantize: {calibration_type: kll}\n');
    expect(() => loadRecipe(file)).toThrow(UserInputError);
    try {
      loadRecipe(file);
    } catch (err) {
      const [problem] = (err as UserInputError).problems;
      expect(problem).toContain('two\\u000alines \\u001b[31m.yaml:2:');
      expect(problem.includes('\n') || problem.includes('\u001b')).toBe(false);
    }
  });

  it('fills defaults for every section', () => {
    const file = join(tmp(), 'ok.yaml');
    writeFileSync(file, HEAD);
    const { recipe } = loadRecipe(file, ['quantize.max_percentile=0.999']);
    expect(recipe.export.opset).toBe(11);
    expect(recipe.input.name).toBe('data');
    expect(recipe.quantize).toMatchObject({
      backend: 'auto',
      calibration_type: 'default',
      max_percentile: 0.999,
      per_channel: 'auto',
    });
    expect(recipe.calibration.count).toBe(100);
    expect(recipe.report.formats).toEqual(['md', 'json', 'html']);
  });

  it('gives every leaf field of the JSON Schema a description', () => {
    const schema = z.toJSONSchema(RecipeSchema, { io: 'input' }) as Record<string, unknown>;
    const undocumented: string[] = [];
    const walk = (node: Record<string, unknown>, path: string): void => {
      for (const [k, v] of Object.entries((node.properties as Record<string, unknown> | undefined) ?? {})) {
        const child = v as Record<string, unknown>;
        if (!child.description) undocumented.push(`${path}${k}`);
        walk(child, `${path}${k}.`);
      }
    };
    walk(schema, '');
    expect(undocumented).toEqual([]);
  });

  it('loads every recipe shipped in yaml/', () => {
    for (const f of ['yaml/fashion_resnext.yaml', 'yaml/resnext50_32x4d.yaml'])
      expect(() => loadRecipe(join(PROJECT_ROOT, f))).not.toThrow();
  });
});
