import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT, VENV_PYTHON } from '../../../pipeline/paths.ts';
import { zooforge } from '../../helpers/cli.ts';
import { tmp } from '../../helpers/tmp.ts';

const ZOO_CONFIG = join(PROJECT_ROOT, 'zoo', 'hb', 'ResNeXt50_32x4d_config.yaml');

/** File names a folder can hold that would add structure to a YAML comment if written raw. */
const HOSTILE_NAMES = [
  'cfg\npython: evil.sh\n#.yaml',
  'cfg\rpython: evil.sh\r#.yaml',
  'cfg\u2028python: evil.sh.yaml',
  'cfg # : --- "\' python: x.yaml',
  '---\npython: evil.sh\n....yaml',
  'cfg\u001b[31mred.yaml',
];

describe('no string from a file name adds structure to what zooforge writes (issue 21.1)', () => {
  it.each(HOSTILE_NAMES)('import of a config named %j writes a recipe with only the recipe keys', async (name) => {
    const dir = tmp('zf-hostile-');
    const config = join(dir, name);
    copyFileSync(ZOO_CONFIG, config);
    const out = join(dir, 'recipe.yaml');
    const r = await zooforge(['import', config, '--out', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    const keys = ['calibration', 'model', 'preprocess', 'quantize']; // what a config with an ordinary name gives
    expect(Object.keys(parse(text) as object).sort()).toEqual(keys);
    const header = text.split('\n')[0];
    expect(header.startsWith('# Imported from ')).toBe(true);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test's own list of what must not reach the header
    expect(header).not.toMatch(/[\r\u2028\u001b]/);
    // the way hb_mapper-side tools read YAML: PyYAML treats \r and \u2028 as line breaks too
    const py = await execa(VENV_PYTHON, [
      '-c',
      'import sys, yaml; print(sorted(yaml.safe_load(open(sys.argv[1]))))',
      out,
    ]);
    expect(py.stdout).toBe(`[${keys.map((k) => `'${k}'`).join(', ')}]`);
  });

  it('mapper-config of a recipe with a hostile file name and model name writes one comment line', async () => {
    const dir = tmp('zf-hostile-');
    const recipe = join(dir, 'r\rworking_dir: etc\n.yaml');
    copyFileSync(join(PROJECT_ROOT, 'yaml', 'resnext50_32x4d.yaml'), recipe);
    const r = await zooforge(['mapper-config', recipe, '--set', 'model.name="x\\rworking_dir: /etc\\npython: evil"']);
    expect(r.exitCode, r.stderr).toBe(0);
    writeFileSync(join(dir, 'c.yaml'), r.stdout);
    const py = await execa(VENV_PYTHON, [
      '-c',
      'import sys, yaml; print(sorted(yaml.safe_load(open(sys.argv[1]))))',
      join(dir, 'c.yaml'),
    ]);
    expect(py.stdout).toBe("['calibration_parameters', 'compiler_parameters', 'input_parameters', 'model_parameters']");
    expect(r.stdout.split('\n')[0]).toContain('\\u000dworking_dir');
  });
});

describe('import --out never replaces a file silently (issue 21.2)', () => {
  it('refuses an existing --out with exit 2 and leaves it as it was; --force replaces it', async () => {
    const dir = tmp('zf-import-out-');
    const config = join(dir, 'cfg.yaml');
    copyFileSync(ZOO_CONFIG, config);
    const before = readFileSync(config, 'utf8');
    const refused = await zooforge(['import', config, '--out', config]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/cfg\.yaml exists; choose another --out, or add --force/);
    expect(readFileSync(config, 'utf8')).toBe(before);
    const other = join(dir, 'recipe.yaml');
    writeFileSync(other, 'mine\n');
    const forced = await zooforge(['import', config, '--force', '--out', other]);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(readFileSync(other, 'utf8')).toMatch(/^# Imported from /);
    expect(existsSync(`${other}.tmp`)).toBe(false);
  });

  it('zoo new takes the same --force', async () => {
    const dir = tmp('zf-zoo-new-');
    const out = join(dir, 'r.yaml');
    writeFileSync(out, 'mine\n');
    expect((await zooforge(['zoo', 'new', 'RepVGG_A0', '--out', out])).exitCode).toBe(2);
    expect(readFileSync(out, 'utf8')).toBe('mine\n');
    expect((await zooforge(['zoo', 'new', 'RepVGG_A0', '--out', out, '--force'])).exitCode).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/RepVGG_A0/);
  });
});
