import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, SHARED_DIR } from '../../../pipeline/paths.ts';
import { loadRecipe } from '../../../pipeline/recipe/load.ts';
import { loadCatalog } from '../../../pipeline/zoo/catalog.ts';
import { zooforge } from '../../helpers/cli.ts';
import { tmp } from '../../helpers/tmp.ts';

describe('zooforge zoo', () => {
  it('lists all 52 models of the catalog with their source and published figures', async () => {
    const r = await zooforge(['zoo', 'list', '--json']);
    expect(r.exitCode).toBe(0);
    const models = JSON.parse(r.stdout) as { model: string; params_M: number; config: string | null }[];
    expect(models).toHaveLength(52);
    expect(models.find((m) => m.model === 'RepVGG_A0')).toMatchObject({
      params_M: 8.3,
      config: 'RepVGG_A0_config.yaml',
    });
    expect((await zooforge(['zoo', 'list'])).stdout).toMatch(
      /\| RepVGG_A0 \| timm:repvgg_a0 \| 8\.30 \| 72\.41 \| 51\.75 \| 757\.73 \| RepVGG_A0_config\.yaml \|/,
    );
  });

  it('new under a hostile folder name: the next command it suggests runs that recipe when pasted into a shell, and runs nothing else', async () => {
    const dir = join(tmp('zf-zoo-'), 'h\'o"st $(touch PWNED) ;x');
    mkdirSync(dir, { recursive: true });
    const r = await zooforge(['zoo', 'new', 'RepVGG_A0', '--out', join(dir, 'r.yaml')]);
    expect(r.exitCode, r.stderr).toBe(0);
    const suggested = r.stderr.match(/next: (zooforge run .*)$/m)![1];
    // the shell sees exactly two arguments after zooforge run's `run`: the recipe's path
    const argv = await execa('sh', ['-c', `zooforge() { printf '%s\\n' "$@"; }; ${suggested}`], { cwd: PROJECT_ROOT });
    expect(argv.stdout.split('\n')).toEqual(['run', relative(PROJECT_ROOT, join(dir, 'r.yaml'))]);
    expect(existsSync(join(PROJECT_ROOT, 'PWNED'))).toBe(false);
  });

  it("new writes a complete recipe that loads: source, size, reparameterize, the zoo's hb_mapper groups and figures", async () => {
    const out = join(tmp('zf-zoo-'), 'ef.yaml');
    const r = await zooforge(['zoo', 'new', 'efficientformer_l1', '--out', out]);
    expect(r.exitCode).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^# EfficientFormer_l1 from the D-Robotics RDK X5 classification zoo/m);
    const { recipe } = loadRecipe(out);
    expect(recipe.model).toMatchObject({
      name: 'EfficientFormer_l1',
      source: { timm: 'efficientformer_l1' },
      pretrained: true,
      reparameterize: 'auto',
    });
    expect(recipe.input.shape).toEqual([1, 3, 224, 224]);
    expect(recipe.quantize.backend).toBe('auto');
    expect(Object.values(recipe.quantize.node_info).every((e) => e.ON === 'BPU' && e.InputType === 'int16')).toBe(true);
    expect(Object.keys(recipe.quantize.node_info).length).toBeGreaterThan(0);
    const zoo = loadCatalog().models.find((m) => m.model === 'EfficientFormer_l1')!;
    expect(recipe.reference).toMatchObject({
      source: 'zoo, RDK X5 board',
      params_M: zoo.params_M,
      float_top1: zoo.float_top1,
      fps: zoo.fps,
    });
    const again = await zooforge(['zoo', 'new', 'EfficientFormer_l1', '--out', out]);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/exists; choose another --out, or add --force to replace it/);
  });

  it('says what it cannot do: an unknown model (with close names), a model with no public source', async () => {
    const unknown = await zooforge(['zoo', 'new', 'RepVGG_Z9']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/no model RepVGG_Z9 in the catalog \(did you mean RepVGG_B1g2, .*RepVGG_A0\?\)/);
    const dir = tmp('zf-zoo-');
    const vendor = await zooforge(['zoo', 'new', 'MobileNetv1', '--out', join(dir, 'm.yaml')]);
    expect(vendor.exitCode).toBe(2);
    expect(vendor.stderr).toMatch(/the zoo names no public source for it/);
    expect(existsSync(join(dir, 'm.yaml'))).toBe(false);
  });

  it("import of a zoo config takes the catalog's source and size; any other config keeps its ONNX and says which field to fill", async () => {
    const dir = tmp('zf-zoo-');
    const zoo = await zooforge(['import', join('zoo', 'hb', 'FastViT_T8_config.yaml'), '--out', join(dir, 'f.yaml')]);
    expect(zoo.exitCode).toBe(0);
    const { recipe } = loadRecipe(join(dir, 'f.yaml'));
    expect(recipe.model).toMatchObject({ name: 'FastViT_T8', source: { timm: 'fastvit_t8' }, pretrained: true });
    expect(recipe.input.shape).toEqual([1, 3, 224, 224]);
    const other = await zooforge([
      'import',
      join(SHARED_DIR, 'fixtures', 'horizon', 'yaml', 'ultralytics_yolo_config.yaml'),
      '--out',
      join(dir, 'y.yaml'),
    ]);
    expect(other.exitCode).toBe(0);
    expect(readFileSync(join(dir, 'y.yaml'), 'utf8')).toMatch(
      /^# model\.source: the ONNX file the config names; for a PyTorch model set model\.source/m,
    );
    expect(loadRecipe(join(dir, 'y.yaml')).recipe.model).toMatchObject({
      pretrained: false,
      source: { onnx: expect.stringMatching(/\.onnx$/) },
    });
  });
});
