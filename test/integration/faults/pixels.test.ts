import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PYTHON_ROOT, VENV_PYTHON } from '../../../pipeline/paths.ts';

describe('16-bit grayscale PNG', () => {
  it('is scaled to 8 bits (x/257), not clipped to white', async () => {
    const r = await execa(VENV_PYTHON, [
      '-c',
      `
import sys, io, numpy as np
sys.path.insert(0, ${JSON.stringify(PYTHON_ROOT)})
from PIL import Image
from zooforge.data.preprocess import raw_tensor
ramp = (np.arange(28 * 28, dtype=np.uint32).reshape(28, 28) * 83).astype(np.uint16)
buf = io.BytesIO(); Image.fromarray(ramp).save(buf, format="PNG"); buf.seek(0)
img = Image.open(buf); print(img.mode)
t = raw_tensor(img, {"size": [28, 28], "colour": "gray", "crop_pct": 1.0, "interpolation": "bilinear"})
print(int(np.abs(t[0] - np.rint(ramp / 257.0)).max()), float((t == 255).mean()))
`,
    ]);
    const lines = String(r.stdout)
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('##zf-'));
    const [mode, line] = lines.slice(-2);
    expect(mode).toMatch(/^I;16|^I$/);
    const [maxErr, white] = line.split(' ').map(Number);
    expect(maxErr).toBe(0);
    expect(white).toBeLessThan(0.01); // clipping made 97 % of such pixels 255
    expect(String(r.stdout)).toContain('16-bit grayscale images are scaled to 8 bits');
  });
});
