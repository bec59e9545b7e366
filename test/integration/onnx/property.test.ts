import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { countParams } from '../../../pipeline/onnx/params.ts';
import { PROJECT_ROOT, VENV_PYTHON } from '../../../pipeline/paths.ts';
import { tmp } from '../../helpers/tmp.ts';

describe("parameter count: the TypeScript scanner against onnx's own parser", () => {
  it('agrees on 200 random models with every attribute type (negative ints, int lists, floats, strings, tensors, graphs)', async () => {
    const dir = tmp('zf-prop-');
    const r = await execa(VENV_PYTHON, [join(PROJECT_ROOT, 'test', 'helpers', 'random_onnx.py'), dir, '200', '7']);
    const truth = JSON.parse(r.stdout) as Record<string, number>;
    expect(Object.keys(truth)).toHaveLength(200);
    for (const [file, count] of Object.entries(truth)) expect(countParams(file).total, file).toBe(count);
  });
});
