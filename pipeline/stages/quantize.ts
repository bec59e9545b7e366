import { z } from 'zod';
import { Outputs, WorkDir } from '../contracts/common.ts';
import { Count, Counts, FilePath, QuantScheme, SearchRow, Similarity, worker } from '../contracts/workers.ts';
import type { Stage } from '../engine/types.ts';
import { BACKENDS, isOrtCalibrationType } from '../recipe/backends.ts';
import type { QuantizeSettings } from '../recipe/quantize-schema.ts';
import { HostPlacement, QuantizeSchema } from '../recipe/quantize-schema.ts';
import { boardInputKey, boardInputType } from './board-input.ts';
import { floatModel, ORT_TOOLS, PREPROCESS, runWorkerStage, workerCode } from './common.ts';
import { ourNames, resolvedNames } from './node-names.ts';

export const quantizeWorker = worker('quantize', {
  input: z
    .object({
      ...WorkDir,
      model: FilePath,
      calibration: FilePath,
      preprocess: FilePath,
      /** emulate bpu: calibrate and score on what the board feeds (as hb_mapper converts its calibration data) */
      input_type_rt: z.string().nullable(),
      quantize: QuantizeSchema.unwrap()
        .pick({
          max_percentile: true,
          per_channel: true,
          search_samples: true,
          run_on_cpu: true,
          node_info: true,
          emulate: true,
          optimization: true,
          equalize: true,
          host_model: true,
          host_runtime: true,
        })
        .extend({
          calibration_type: z.enum(BACKENDS.ort.calibration_types),
          float_op_types: z.array(z.string()).nullable(),
          host_placement: HostPlacement.nullable(),
        })
        .strict(),
    })
    .strict(),
  output: z
    .object({
      emulate: z.enum(['bpu', 'host']),
      method: z.string(),
      per_channel: z.boolean(),
      asymmetric: z.boolean(),
      selected: z.string(),
      search: z.array(SearchRow),
      scored_on: Count,
      /** seconds spent in the calibration pass and the method search (the float placement measurement included) */
      search_seconds: z.number().nonnegative(),
      /** optimization: bias_correction applied (Conv/Gemm biases absorb their int8 weights' mean error) */
      bias_corrected: z.boolean(),
      /** quantize.equalize: how many Conv -> Relu -> Conv chains were equalized (null: not asked) */
      equalized: Count.nullable(),
      /** quantize.host_model: the emulate host model was built beside the bpu one (outputs.host_model; host_speed is its placement) */
      host_model: z.boolean(),
      opset_note: z.string().nullable(),
      calibrated_on: Count,
      tensors: Count,
      qdq_nodes: z.object({ QuantizeLinear: Count, DequantizeLinear: Count }).strict(),
      /** QuantizeLinear nodes per integer type written (int8, uint8, int16). */
      precisions: Counts,
      scheme: QuantScheme,
      /** The op types kept float, and under emulate host (float_op_types unset) how that was measured: 1-thread medians. */
      float_op_types: z.array(z.string()),
      /** regrouped: grouped conv -> the (smaller) group count the int8 model gives it, block-diagonal weights (zooforge/quant/regroup.py) */
      host_speed: z
        .object({
          chosen: z.array(z.string()),
          float_nodes: z.array(z.string()),
          regrouped: z.record(z.string(), Count),
          label: z.string(),
          /** the runtime that timed it (quantize.host_runtime), by name and version */
          runtime: z.string(),
          fp32_ms: z.number(),
          int8_ms: z.number(),
          /** why this placement: timing (only on a clear margin), the candidates' order, or the recipe's pin */
          decided_by: z.string(),
          /** timings this close (a fraction) count as one speed */
          margin: z.number(),
          /** the other placements whose time was within the margin of the kept one's (the choice was close) */
          close: z.array(z.string()),
          tried: z.array(
            z
              .object({
                label: z.string(),
                float_op_types: z.array(z.string()),
                float_nodes: Count,
                regrouped: Count,
                int8_ms: z.number(),
              })
              .strict(),
          ),
        })
        .strict()
        .nullable(),
      excluded_nodes: z.array(z.string()),
      warnings: z.array(z.string()),
      unquantized_ops: Counts,
      output_similarity: Similarity,
      worst_nodes: z.array(
        z
          .object({
            node: z.string(),
            tensor: z.string(),
            type: z.string(),
            cosine: z.number(),
            threshold: z.number().nullable(),
            dtype: z.string(),
          })
          .strict(),
      ),
      outputs: Outputs('model', 'calibration_table', 'nodes', 'histograms', 'summary').extend({
        host_model: z.string().optional(),
      }),
    })
    .strict(),
});

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
    host_runtime: q.host_runtime,
    emulate: q.emulate,
    optimization: q.optimization,
    equalize: q.equalize,
    host_model: q.emulate === 'bpu' && q.host_model,
  }; // under host it changes nothing: not part of the key
}

/** Embedded int8 backend: our streaming calibrator + ONNX Runtime's QDQ writer. */
export const quantizeStage: Stage = {
  id: 'quantize',
  worker: quantizeWorker,
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
        ...workerCode(quantizeWorker.name),
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
    return runWorkerStage(ctx, quantizeWorker, {
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
