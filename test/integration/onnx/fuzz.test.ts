import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { CorruptInputError } from '../../../pipeline/errors.ts';
import { countParams } from '../../../pipeline/onnx/params.ts';
import { PROJECT_ROOT, VENV_PYTHON } from '../../../pipeline/paths.ts';
import { tmp } from '../../helpers/tmp.ts';

/** A real model (the Fashion demo network, exported by torch) damaged 1,000+ ways: every case either counts
 *  plausibly or fails as a damaged file; never a crash, a hang or an impossible count. */
describe('params scanner under truncation and bit flips', () => {
  const dir = tmp('zf-fuzz-');
  const model = join(dir, 'model.onnx');
  let bytes: Buffer;
  let truth: number;

  beforeAll(async () => {
    await execa(VENV_PYTHON, [
      '-c',
      `
import sys, torch
sys.path.insert(0, ${JSON.stringify(join(PROJECT_ROOT, 'models'))})
from fashion_resnext import fashion_resnext
torch.onnx.export(fashion_resnext().eval(), torch.zeros(1, 1, 28, 28), ${JSON.stringify(model)}, opset_version=11)
`,
    ]);
    bytes = readFileSync(model);
    truth = countParams(model).total;
  });

  it('counts the intact model', () => expect(truth).toBeGreaterThan(50_000));

  it('never crashes, hangs or returns an impossible count on 600 truncations and 600 bit flips', () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const damaged: Buffer[] = [];
    for (let k = 0; k < 600; k++) damaged.push(bytes.subarray(0, rand(bytes.length)));
    for (let k = 0; k < 600; k++) {
      const b = Buffer.from(bytes);
      for (let f = 0; f <= rand(3); f++) b[rand(b.length)] ^= 1 << rand(8);
      damaged.push(b);
    }
    let counted = 0;
    let refused = 0;
    const file = join(dir, 'damaged.onnx');
    for (const b of damaged) {
      writeFileSync(file, b);
      const t0 = Date.now();
      try {
        const r = countParams(file);
        // No element can be in the file without at least half a byte of it there.
        expect(Number.isSafeInteger(r.total) && r.total >= 0 && r.total <= 2 * b.length).toBe(true);
        counted++;
      } catch (err) {
        if (!(err instanceof CorruptInputError)) throw err; // anything else is a crash
        expect(err.message).toContain('damaged.onnx');
        refused++;
      }
      expect(Date.now() - t0).toBeLessThan(2000); // no hang
    }
    expect(counted + refused).toBe(1200);
    expect(refused).toBeGreaterThan(500); // most truncations are caught as such
  });
});
