import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderHbYaml } from '../../../pipeline/horizon/config.ts';
import { readHbConfig } from '../../../pipeline/horizon/import.ts';
import { stringifyForPyYAML } from '../../../pipeline/horizon/pyyaml.ts';
import type { HbConfig } from '../../../pipeline/horizon/schema.ts';
import { VENV_PYTHON } from '../../../pipeline/paths.ts';
import { zooforge } from '../../helpers/cli.ts';
import { CONFIGS, regenerate, withoutPaths, YAML_DIR } from '../../helpers/hb-configs.ts';

describe('hb_mapper configs, read by PyYAML and written by the CLI', () => {
  const rendered = CONFIGS.map((file) => {
    const { generated } = regenerate(file);
    return { file, text: renderHbYaml(generated, 'test'), intended: generated };
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

  it('zooforge mapper-config yaml/resnext50_32x4d.yaml is the zoo ResNeXt50_32x4d config (paths aside)', async () => {
    const r = await zooforge(['mapper-config', 'yaml/resnext50_32x4d.yaml']);
    expect(r.exitCode).toBe(0);
    const ours = parse(r.stdout) as HbConfig;
    expect(withoutPaths(ours)).toEqual(withoutPaths(readHbConfig(join(YAML_DIR, 'ResNeXt50_32x4d_config.yaml'))));
    expect(ours.model_parameters.onnx_model).toBe('./model.onnx');
  });
});
