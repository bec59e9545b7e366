import type { Stage } from '../engine/types.ts';
import { isOrtCalibrationType } from '../recipe/backends.ts';
import type { QuantizeSettings } from '../recipe/quantize-schema.ts';
import { boardInputKey, boardInputType } from './board-input.ts';
import { floatModel, ORT_TOOLS, PREPROCESS, runWorkerStage, workerCode } from './common.ts';
import { ourNames, resolvedNames } from './node-names.ts';

/** What the ort backend reads of quantize: (the key and the worker's input are this same slice). */
function ortSlice(q: QuantizeSettings) {
  // recipe/backends.ts rules out the other methods when the recipe is loaded
  if (!isOrtCalibrationType(q.calibration_type))
    throw new Error(`quantize: calibration_type ${q.calibration_type} passed the backend rule`);
  return {
    calibration_type: q.calibration_type,
    max_percentile: q.max_percentile,
    per_channel: q.per_channel,
    search_samples: q.search_samples,
    run_on_cpu: q.run_on_cpu,
    node_info: q.node_info,
    float_op_types: q.float_op_types ?? null,
    host_placement: q.host_placement ?? null,
    emulate: q.emulate,
    optimization: q.optimization,
    equalize: q.equalize,
    host_model: q.emulate === 'bpu' && q.host_model,
  }; // under host it changes nothing: not part of the key
}

/** Embedded int8 backend: our streaming calibrator + ONNX Runtime's QDQ writer. */
export const quantizeStage: Stage = {
  id: 'quantize',
  version: 3,
  title: 'Quantize (int8)',
  resources: { memoryMb: 3072 },
  cacheable: true,
  disabledBecause: ({ recipe }) =>
    recipe.quantize.backend !== 'ort'
      ? `backend ${recipe.quantize.backend} is built by the hb_mapper stage`
      : undefined,
  inputs({ loaded }) {
    return {
      recipe: { quantize: ortSlice(loaded.recipe.quantize), board_input: boardInputKey(loaded) },
      files: {
        ...workerCode('quantize'),
        model: floatModel(loaded),
        calibration: { stage: 'calibration', output: 'tensors' },
        preprocess: PREPROCESS,
        ...resolvedNames(loaded),
      },
      tools: ORT_TOOLS,
    };
  },
  async run(ctx) {
    const q = ctx.loaded.recipe.quantize;
    // no recipe field is ignored in silence: emulate bpu applies set_all_nodes_int16, both apply bias_correction,
    // the rest is hb_mapper's alone
    const unapplied = q.optimization.filter(
      (o) => o !== 'bias_correction' && (q.emulate !== 'bpu' || o !== 'set_all_nodes_int16'),
    );
    if (q.host_model && q.emulate === 'host')
      ctx.warn(
        'quantize.host_model asks for a host model beside the bpu one: under emulate host the int8 model already is the host model, so no second one is built',
      );
    if (q.host_placement && q.emulate === 'bpu' && !q.host_model)
      ctx.warn(
        'quantize.host_placement places float ops for emulate host (or quantize.host_model): under emulate bpu without host_model nothing uses it',
      );
    if (unapplied.length)
      ctx.warn(
        `quantize.optimization (${unapplied.join(', ')}) is hb_mapper-only: the ort backend (emulate ${q.emulate}) has no equivalent and does not apply it`,
      );
    return runWorkerStage(ctx, 'quantize', {
      work_dir: ctx.workDir,
      model: ctx.files.model,
      calibration: ctx.files.calibration,
      preprocess: ctx.files.preprocess,
      input_type_rt: await boardInputType(ctx, ctx.files.preprocess),
      // the zoo's names are its own export's: the node_names stage found each in ours
      quantize: await ourNames(ortSlice(q), ctx.files.node_names, 'node'),
    });
  },
};
