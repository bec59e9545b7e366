import type { Stage } from '../engine/types.ts';
import { ORT_TOOLS, floatModel, runWorkerStage, workerCode } from './common.ts';

/** Embedded int8 backend: our streaming calibrator + ONNX Runtime's QDQ writer. */
export const quantizeStage: Stage = {
  id: 'quantize',
  version: 1,
  title: 'Quantize (int8)',
  after: ['export', 'simplify', 'calibration'],
  cacheable: true,
  disabledBecause: ({ recipe }) => (recipe.quantize.backend !== 'ort' ? `backend ${recipe.quantize.backend} is built by the hb_mapper stage` : undefined),
  inputs({ loaded }) {
    const q = loaded.recipe.quantize;
    const slice = { calibration_type: q.calibration_type, max_percentile: q.max_percentile, per_channel: q.per_channel,
      search_samples: q.search_samples, run_on_cpu: q.run_on_cpu, node_info: q.node_info, float_op_types: q.float_op_types };
    return { recipe: { quantize: slice }, files: { ...workerCode('quantize.py'),  model: floatModel(loaded), calibration: { stage: 'calibration', output: 'tensors' } }, tools: ORT_TOOLS };
  },
  async run(ctx) {
    return runWorkerStage(ctx, 'quantize.py', { model: ctx.files.model, calibration: ctx.files.calibration, quantize: ctx.loaded.recipe.quantize });
  },
};
