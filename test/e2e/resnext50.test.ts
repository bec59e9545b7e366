import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../pipeline/engine/manifest.ts';
import { VENV_PYTHON } from '../../pipeline/paths.ts';
import { zooforge } from '../helpers/cli.ts';
import { tmp } from '../helpers/tmp.ts';

describe('yaml/resnext50_32x4d.yaml offline (random weights), through params', () => {
  it('exports 24,994,792 parameters in 108 initializers, equal to the Python count; torch vs ORT max |delta| < 1e-4', async () => {
    const dir = tmp('zf-rx-');
    const out = join(dir, 'run');
    const r = await zooforge([
      'run',
      'yaml/resnext50_32x4d.yaml',
      '--until',
      'params',
      '--set',
      'model.pretrained=false',
      '--out',
      out,
      '--cache',
      join(dir, 'cache'),
    ]);
    expect(r.stderr).toContain('passed in');
    expect(r.exitCode).toBe(0);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    const [exp, simp, params] = ['export', 'simplify', 'params'].map((id) => m.stages.find((s) => s.id === id)!);
    expect(params.data).toMatchObject({ total: 24_994_792, initializers: 108, millions: 24.99 });
    expect(exp.data).toMatchObject({ weights: 'random', torch_parameters: 25_028_904, opset: 11 });
    expect((exp.data.check as { max_abs_diff: number }).max_abs_diff).toBeLessThan(1e-4);
    expect((simp.data.check as { top1_agreement: number }).top1_agreement).toBe(1);
    expect(m.preprocessing).toMatchObject({
      input_name: 'data',
      input_shape: [1, 3, 224, 224],
      interpolation: 'bicubic',
      crop_pct: 0.95,
    });
    const py = await execa(VENV_PYTHON, [
      '-c',
      'import onnx,sys,numpy as np; m=onnx.load(sys.argv[1]); print(sum(int(np.prod(i.dims)) for i in m.graph.initializer), len(m.graph.initializer))',
      join(out, params.outputs.params.path.replace('params/params.json', 'simplify/model.onnx')),
    ]);
    expect(py.stdout.trim()).toBe('24994792 108');
  });

  /** The recipe as written (pretrained: true) through export, in a folder of its own. */
  const exportPretrained = (env: Record<string, string> = {}) => {
    const dir = tmp('zf-rx-');
    const args = ['run', 'yaml/resnext50_32x4d.yaml', '--until', 'export'];
    return zooforge([...args, '--out', join(dir, 'run'), '--cache', join(dir, 'cache')], env);
  };

  // This machine reaches no model hub (the suite runs offline): the check before the download says so at once.
  it('without network, pretrained: true fails with one clear message, at once, not after hub retries', async () => {
    const r = await exportPretrained();
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /failed export .*pretrained weights for resnext50_32x4d are not in the local cache and no model hub answers \(.+\): set model\.checkpoint to a local weights file, or model\.pretrained: false/,
    );
    expect(r.stderr).not.toMatch(/Retrying in/);
    // said before the export worker starts (torch and timm take seconds to import): it never began building
    expect(r.stderr).not.toContain('building the network');
  });

  it('with the weights in the local hub cache, the check leaves the worker to load them (and to say what is wrong)', async () => {
    const hub = join(tmp('zf-hub-'), 'hub');
    mkdirSync(join(hub, 'models--timm--resnext50_32x4d.a1h_in1k', 'snapshots'), { recursive: true });
    const r = await exportPretrained({ HF_HUB_CACHE: hub });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('building the network'); // the worker started: the folder may hold the weights
    expect(r.stderr).toMatch(/failed export .*resnext50_32x4d/);
  });
});
