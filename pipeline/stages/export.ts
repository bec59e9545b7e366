import type { Stage } from '../engine/types.ts';
import { recipePath } from '../recipe/load.ts';
import { checkDataset, runWorkerStage, TORCH_TOOLS, workerCode } from './common.ts';

/** PyTorch -> ONNX, checked against onnxruntime, plus the one preprocessing record. */
export const exportStage: Stage = {
  id: 'export',
  version: 1,
  title: 'Export to ONNX',
  after: [],
  cacheable: true,
  inputs({ loaded }) {
    const r = loaded.recipe;
    const files = { ...checkDataset(loaded).files };
    if (r.model.checkpoint) files.checkpoint = { path: recipePath(loaded, r.model.checkpoint) };
    if ('module' in r.model.source) files.module = { path: recipePath(loaded, r.model.source.module.replace(/:[^:]+$/, '')) };
    if ('onnx' in r.model.source) files.onnx = { path: recipePath(loaded, r.model.source.onnx) };
    return { recipe: { model: r.model, input: r.input, preprocess: r.preprocess, export: r.export }, files: { ...files, ...workerCode('export.py') }, tools: TORCH_TOOLS };
  },
  async run(ctx) {
    const { loaded } = ctx;
    const r = loaded.recipe;
    const source = 'module' in r.model.source ? { module: `${ctx.files.module}:${r.model.source.module.split(':').pop()}` }
      : 'onnx' in r.model.source ? { onnx: ctx.files.onnx } : r.model.source;
    return runWorkerStage(ctx, 'export.py', {
      model: { ...r.model, source, checkpoint: r.model.checkpoint && ctx.files.checkpoint },
      input: r.input, preprocess: r.preprocess, export: r.export,
      check_dataset: checkDataset(loaded).dataset,
    });
  },
};
