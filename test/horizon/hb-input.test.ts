import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, VENV_PYTHON } from '../../pipeline/paths.ts';

const py = async (code: string): Promise<unknown> => JSON.parse((await execa(VENV_PYTHON, ['-c', `import sys, json; sys.path.insert(0, 'scripts')\n${code}`], { cwd: PROJECT_ROOT })).stdout);

describe('Horizon quantized-model inputs (scripts/zf/hb_input.py)', () => {
  it('RGB -> NV12 -> YUV444 - 128 follows BT.601 full range, NHWC int8', async () => {
    const r = await py(`import numpy as np
from zf.hb_input import hb_input, rgb_to_nv12
raw = np.zeros((1, 3, 4, 6), np.float32); raw[0, 0], raw[0, 1], raw[0, 2] = 200, 100, 50
x = hb_input(raw, {'colour': 'rgb'}, 'nv12')
print(json.dumps({'shape': list(x.shape), 'dtype': str(x.dtype), 'pixel': x[0, 0, 0].tolist(), 'nv12': len(rgb_to_nv12(np.zeros((4, 6, 3), np.uint8)))}))`);
    // Y = .299*200+.587*100+.114*50 = 124.2; U = (50-Y)*.564+128 = 86.2; V = (200-Y)*.713+128 = 182.0; minus 128
    expect(r).toEqual({ shape: [1, 4, 6, 3], dtype: 'int8', pixel: [124 - 128, 86 - 128, 182 - 128], nv12: 36 });
  });

  it('averages chroma over 2x2 blocks and upsamples it back (what the board sees), keeps luma per pixel', async () => {
    const r = await py(`import numpy as np
from zf.hb_input import hb_input
raw = np.zeros((1, 3, 2, 2), np.float32); raw[0, :, 0, 0] = 255  # one white pixel in a black 2x2 block
x = hb_input(raw, {'colour': 'rgb'}, 'nv12').astype(int) + 128
print(json.dumps({'y': x[0, :, :, 0].tolist(), 'uv': x[0, :, :, 1:].reshape(-1, 2).tolist()}))`) as { y: number[][]; uv: number[][] };
    expect(r.y).toEqual([[255, 0], [0, 0]]);
    expect(new Set(r.uv.map((p) => p.join(',')))).toEqual(new Set(['128,128']));
  });

  it('gray, rgb and bgr runtime inputs: pixel - 128 in the runtime order', async () => {
    const r = await py(`import numpy as np
from zf.hb_input import hb_input
g = hb_input(np.full((1, 1, 2, 2), 200, np.float32), {'colour': 'gray'}, 'gray')
raw = np.zeros((1, 3, 2, 2), np.float32); raw[0, 0] = 10; raw[0, 2] = 250
print(json.dumps({'gray': [list(g.shape), int(g[0, 0, 0, 0])], 'rgb': hb_input(raw, {'colour': 'rgb'}, 'rgb')[0, 0, 0].tolist(), 'bgr': hb_input(raw, {'colour': 'rgb'}, 'bgr')[0, 0, 0].tolist()}))`);
    expect(r).toEqual({ gray: [[1, 2, 2, 1], 72], rgb: [10 - 128, -128, 250 - 128], bgr: [250 - 128, -128, 10 - 128] });
  });
});
