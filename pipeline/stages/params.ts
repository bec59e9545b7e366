import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Stage } from '../engine/types.ts';
import { countParams } from '../onnx/params.ts';
import { floatModel } from './common.ts';

/** Parameter count of the float model, in TypeScript (no Python start-up, payloads never read). */
export const paramsStage: Stage = {
  id: 'params',
  version: 1,
  title: 'Count parameters',
  cacheable: true,
  inputs({ loaded }) {
    return { recipe: {}, files: { model: floatModel(loaded) }, tools: [] };
  },
  async run(ctx) {
    const report = countParams(ctx.files.model);
    const { file: _file, ...data } = report;
    await writeFile(join(ctx.workDir, 'params.json'), JSON.stringify(data, null, 2));
    ctx.progress(`${(report.total / 1e6).toFixed(2)} M parameters in ${report.initializers} initializers`);
    return { outputs: { params: 'params.json' }, data: { ...data, millions: Number((report.total / 1e6).toFixed(2)) } };
  },
};
